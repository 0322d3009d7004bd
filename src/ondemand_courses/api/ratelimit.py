"""Rate limiting of the API: ``X-RateLimit-*`` headers and ``429 TooManyRequests``."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ondemand_courses.api.auth import resolve_organization
from ondemand_courses.api.envelope import failure
from ondemand_courses.api.middleware import RESPONSE_HEADERS_KEY
from ondemand_courses.errors import TooManyRequests
from ondemand_courses.ratelimit import RateLimiter
from ondemand_courses.services import Services


def caller_of(scope: Scope, services: Services) -> str:
    """Name what a request counts against: its organization, else its client address.

    Requests with missing or wrong credentials count against the address, so failed
    authentication attempts are limited too.
    """
    org_id = resolve_organization(scope, services)
    if org_id is not None:
        return f"org:{org_id}"
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}"


class RateLimitMiddleware:
    """Count every request under ``path_prefix`` and respond with 429 past the limit.

    Each response under the prefix carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining``
    and ``X-RateLimit-Reset`` (epoch seconds), unless the counter store failed.
    """

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, services: Services,
                 path_prefix: str) -> None:
        self.app = app
        self._limiter = limiter
        self._services = services
        self._path_prefix = path_prefix

    def _applies_to(self, scope: Scope) -> bool:
        path: str = scope["path"]
        return path == self._path_prefix or path.startswith(self._path_prefix + "/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._applies_to(scope):
            await self.app(scope, receive, send)
            return

        state = await self._limiter.count_request(caller_of(scope, self._services))
        if state is None:
            await self.app(scope, receive, send)
            return
        if state.retry_after is not None:
            message = (f"Rate limit of {state.limit} requests per minute exceeded; "
                       f"retry after {state.retry_after} seconds.")
            response = failure(TooManyRequests(state.retry_after, message))
            response.raw_headers.extend(state.headers())
            await response(scope, receive, send)
            return

        scope.setdefault("state", {})[RESPONSE_HEADERS_KEY] = state.headers()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *state.headers()]
            await send(message)

        await self.app(scope, receive, send_with_headers)
