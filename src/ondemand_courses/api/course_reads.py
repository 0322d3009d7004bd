"""Successful course reads, served without FastAPI's routing and dependency machinery.

``GET /ondemand/{course_id}`` and the whole-list ``GET /ondemand`` are the hottest requests,
and FastAPI's per-request work (routing, dependency solving, exception middleware) cost
several times more than the read itself. This middleware serves exactly those requests
when the credentials are valid and the course exists, through the same services and
envelope functions as the routes. A whole list that fits in one batch is kept as bytes per
organization and base URL, and served again until a commit to the database changes SQLite's
``PRAGMA data_version``. Every other request, including each one that would
fail, goes on to the FastAPI routes, which stay the single source of error responses.
"""

from __future__ import annotations

from starlette.datastructures import URL
from starlette.responses import Response, StreamingResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ondemand_courses.api import envelope
from ondemand_courses.api.auth import parse_bearer_credentials
from ondemand_courses.api.routes import courses as course_routes
from ondemand_courses.errors import CourseNotFound
from ondemand_courses.services import Services
from ondemand_courses.settings import Settings
from ondemand_courses.store.database import Database

MAX_CACHED_BASE_URLS = 256
# Bytes of cached list bodies per process; a list of one batch (1,000 courses) is about 300 kB.
MAX_CACHED_LIST_BYTES = 16 * 1024 * 1024


class CourseReadShortcut:
    """ASGI middleware in front of the routes for successful course reads under ``prefix``."""

    def __init__(self, app: ASGIApp, *, prefix: str, services: Services, database: Database,
                 settings: Settings) -> None:
        self.app = app
        self._list_path = f"{prefix}/ondemand"
        self._course_path_start = f"{prefix}/ondemand/"
        self._services = services
        self._public_url = settings.public_url
        # Base URL by (scheme, Host header, server address): parsing it is a tenth of a read.
        self._base_urls: dict[tuple[object, ...], str] = {}
        self._database = database
        # Whole-list bodies by (organization, base URL), with the database's change version
        # read before the list was read: equal versions mean no commit since.
        self._lists: dict[tuple[str, str], tuple[tuple[int, int], bytes]] = {}
        self._cached_list_bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope.get("root_path"):
            response = self._answer(scope)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _answer(self, scope: Scope) -> Response | None:
        """Return the success response, or None to leave the request to the routes."""
        path: str = scope["path"]
        course_id: str | None
        if path == self._list_path:
            if scope.get("query_string"):
                return None  # paging parameters are parsed and validated by the route
            course_id = None
        elif path.startswith(self._course_path_start):
            course_id = path[len(self._course_path_start):]
            if not course_id or "/" in course_id:
                return None
        else:
            return None

        org_id = self._authenticate(scope)
        if org_id is None:
            return None
        # Read by the request log line, as when the route's dependency authenticates.
        scope.setdefault("state", {})["org_id"] = org_id
        base_url = self._base_url(scope)

        if course_id is None:
            return self._list_response(org_id, base_url)
        try:
            course = self._services.courses.get(org_id, course_id)
        except CourseNotFound:
            return None
        return envelope.success(course_routes.course_data(course, base_url))

    def _list_response(self, org_id: str, base_url: str) -> Response:
        # Read before the list, so that a commit in between makes the entry stale, not wrong.
        version = self._database.change_version()
        key = (org_id, base_url)
        cached = self._lists.get(key)
        if cached is not None and cached[0] == version:
            return Response(cached[1], media_type=envelope.JSON_MEDIA_TYPE)

        batches = self._services.courses.list_in_batches(org_id, course_routes.LIST_BATCH_SIZE)
        response = envelope.success_in_batches(
            [course_routes.course_data(course, base_url) for course in batch]
            for batch in batches
        )
        if version is not None and not isinstance(response, StreamingResponse):
            self._cache_list(key, version, bytes(response.body))
        return response

    def _cache_list(self, key: tuple[str, str], version: tuple[int, int], body: bytes) -> None:
        stale = self._lists.pop(key, None)
        if stale is not None:
            self._cached_list_bytes -= len(stale[1])
        if self._cached_list_bytes + len(body) > MAX_CACHED_LIST_BYTES:
            self._lists.clear()
            self._cached_list_bytes = 0
        self._lists[key] = (version, body)
        self._cached_list_bytes += len(body)

    def _authenticate(self, scope: Scope) -> str | None:
        # The first Authorization header counts, as with Starlette's Headers.get.
        for name, value in scope["headers"]:
            if name == b"authorization":
                credentials = parse_bearer_credentials(value.decode("latin-1"))
                break
        else:
            return None
        if credentials is None:
            return None
        org_id, api_key = credentials
        if not self._services.organizations.authenticate(org_id, api_key):
            return None
        return org_id

    def _base_url(self, scope: Scope) -> str:
        # The same value as api.context.public_base_url computes from Request.url.
        if self._public_url:
            return self._public_url
        host = next((value for name, value in scope["headers"] if name == b"host"), None)
        key = (scope.get("scheme"), host, scope.get("server"))
        base_url = self._base_urls.get(key)
        if base_url is None:
            url = URL(scope=scope)
            base_url = f"{url.scheme}://{url.netloc}"
            if len(self._base_urls) >= MAX_CACHED_BASE_URLS:
                self._base_urls.clear()
            self._base_urls[key] = base_url
        return base_url
