"""Pure ASGI middleware: request ids, the request log line, and the last-resort 500."""

from __future__ import annotations

import logging
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ondemand_courses.api.envelope import failure
from ondemand_courses.errors import InternalServerError

logger = logging.getLogger("ondemand_courses.requests")


class RequestContextMiddleware:
    """Give each request an id (sent back as ``X-Request-Id``), log it once, and turn an
    unhandled exception into a 500 envelope whose message carries that id.

    The traceback is logged here, once; the exception is not re-raised, so the ASGI server
    does not log it a second time.
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
                             scope["method"], scope["path"])
            if not response_started:
                error = InternalServerError(f"Internal server error (request id {request_id}).")
                response = failure(error)
                response.headers["X-Request-Id"] = request_id
                await response(scope, receive, send)
            status = 500
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            org_id = scope["state"].get("org_id", "-")
            logger.info("%s %s %s %d %.1fms org=%s", request_id, scope["method"],
                        scope["path"], status, duration_ms, org_id)
