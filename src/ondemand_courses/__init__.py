"""On-Demand Courses API server: courses, classes, enrollments and learner pages."""

__version__ = "0.1.0"
