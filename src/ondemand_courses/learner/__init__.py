"""The learner's pages at the course link: server-rendered HTML, outside ``/api/v1``."""
