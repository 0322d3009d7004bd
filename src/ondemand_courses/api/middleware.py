"""Pure ASGI middleware: request ids, the request log line, the last-resort 500, and the
limit on header size."""

from __future__ import annotations

import logging
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ondemand_courses.api.envelope import failure
from ondemand_courses.api.errors import RouteMethods
from ondemand_courses.errors import InternalServerError, RequestHeaderFieldsTooLarge

logger = logging.getLogger("ondemand_courses.requests")

# Key in the request scope's state for raw headers that every response to the request
# carries, such as the rate-limit headers. The last-resort 500 adds them too.
RESPONSE_HEADERS_KEY = "response_headers"


def route_template(scope: Scope) -> str | None:
    """Return the path template of the API route that the request's path matches, if any.

    The template (``/api/v1/ondemand/{course_id}``) is logged in place of the path, so
    that log lines group by route and never carry what a client typed into a path.
    """
    app = scope.get("app")
    path: str = scope["path"]
    if app is None:
        return None
    if path in (app.openapi_url, app.docs_url):
        return path
    route_index: list[RouteMethods] = app.state.route_methods
    for route in route_index:
        if route.pattern.match(path):
            return route.path
    return None


class RequestContextMiddleware:
    """Give each request an id (sent back as ``X-Request-Id``), log it once, and turn an
    unhandled exception into a 500 envelope whose message carries that id.

    The log line has the fields request_id, org_id, method, route, status and
    duration_ms. It leaves out the query string and the headers, because they can carry
    an email filter or credentials. The traceback is logged here, once; the exception is not
    re-raised, so the ASGI server does not log it a second time.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        request_id = secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False
        request_id_header = (b"x-request-id", request_id.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = [*message.get("headers", []), request_id_header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("Unhandled error in request %s %s %s", request_id,
                             scope["method"], route_template(scope) or "(no route)",
                             extra={"request_id": request_id})
            if not response_started:
                error = InternalServerError(f"Internal server error (request id {request_id}).")
                response = failure(error)
                response.headers["X-Request-Id"] = request_id
                response.raw_headers.extend(scope["state"].get(RESPONSE_HEADERS_KEY, []))
                await response(scope, receive, send)
            status = 500
        finally:
            self._log_request(scope, request_id, status, time.perf_counter() - started)

    @staticmethod
    def _log_request(scope: Scope, request_id: str, status: int, seconds: float) -> None:
        fields = {
            "request_id": request_id,
            "org_id": scope["state"].get("org_id"),
            "method": scope["method"],
            "route": route_template(scope),
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
        }
        logger.info("request_id=%s org_id=%s method=%s route=%s status=%d duration_ms=%.1f",
                    fields["request_id"], fields["org_id"] or "-", fields["method"],
                    fields["route"] or "-", status, fields["duration_ms"], extra=fields)


class HeaderSizeLimitMiddleware:
    """Respond with ``431 RequestHeaderFieldsTooLarge`` when the request line and headers
    together are larger than ``max_bytes``.

    The ASGI server bounds what it buffers before the application receives a request (see
    ``server_options`` in ``ondemand_courses.app``). This check adds the envelope and
    the exact limit.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self._max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and header_bytes(scope) > self._max_bytes:
            error = RequestHeaderFieldsTooLarge(
                f"The request line and headers are larger than the limit of "
                f"{self._max_bytes} bytes.")
            await failure(error)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def header_bytes(scope: Scope) -> int:
    """Return the size of the request as sent up to its body: request line and headers.

    Counts ``METHOD TARGET HTTP/x.y\\r\\n``, then ``name: value\\r\\n`` per header, then
    the blank line.
    """
    target = len(scope.get("raw_path") or scope["path"].encode("utf-8"))
    query: bytes = scope.get("query_string", b"")
    if query:
        target += 1 + len(query)
    size = len(scope["method"]) + 1 + target + len(" HTTP/1.1\r\n")
    for name, value in scope["headers"]:
        size += len(name) + 2 + len(value) + 2
    return size + 2
