"""Rendering the learner's HTML pages, their failures included."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from importlib import resources
from typing import Any, cast

from fastapi import FastAPI, Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response

from ondemand_courses.errors import ApiError

LEARNER_PATH_PREFIX = "/training/"

_PACKAGE_FILES = resources.files("ondemand_courses.learner")
STATIC_DIRECTORY = str(_PACKAGE_FILES / "static")

_TEMPLATES = Environment(
    loader=FileSystemLoader(str(_PACKAGE_FILES / "templates")),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


# The API's exception handlers, all of them coroutines.
ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


class LearnerPageError(Exception):
    """A failure shown to the learner as a readable page with this status."""

    def __init__(self, status_code: int, title: str, message: str, *,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.title = title
        self.message = message
        self.headers = headers or {}


def format_minutes(minutes: int | None) -> str:
    """Write a duration in minutes as days, hours and minutes, e.g. ``4 days 3 hours 0 minutes``."""
    if minutes is None:
        return "-"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if days or hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts)


def format_moment(epoch_ms: int | None) -> str:
    """Write a moment for people, in UTC to the minute, e.g. ``2026-01-06 00:00 UTC``."""
    if epoch_ms is None:
        return "-"
    return datetime.fromtimestamp(epoch_ms // 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


_TEMPLATES.filters["minutes"] = format_minutes
_TEMPLATES.filters["moment"] = format_moment


def render(template: str, status_code: int = 200, *, headers: dict[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    html = _TEMPLATES.get_template(template).render(**context)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    # The pages show a learner's own enrollment: no shared cache may keep them.
    response.headers["Cache-Control"] = "no-store"
    return response


def error_page(status_code: int, title: str, message: str, *,
               headers: dict[str, str] | None = None) -> HTMLResponse:
    return render("error.html", status_code, headers=headers, title=title, message=message)


def install_learner_error_pages(app: FastAPI) -> None:
    """Render failures under the learner paths as HTML pages, and leave others as before.

    Call this after the API's handlers are installed. It wraps the handlers of API errors
    and routing errors, so that only requests under ``LEARNER_PATH_PREFIX`` change.
    """
    api_error_handler = cast(ErrorHandler, app.exception_handlers[ApiError])
    http_error_handler = cast(ErrorHandler, app.exception_handlers[HTTPException])

    async def on_learner_page_error(_request: Request, error: Exception) -> Response:
        assert isinstance(error, LearnerPageError)
        return error_page(error.status_code, error.title, error.message, headers=error.headers)

    async def on_api_error(request: Request, error: Exception) -> Response:
        if not request.url.path.startswith(LEARNER_PATH_PREFIX):
            return await api_error_handler(request, error)
        assert isinstance(error, ApiError)
        return error_page(error.status_code, _title_of_status(error.status_code), error.message)

    async def on_http_error(request: Request, error: Exception) -> Response:
        if not request.url.path.startswith(LEARNER_PATH_PREFIX):
            return await http_error_handler(request, error)
        assert isinstance(error, HTTPException)
        if error.status_code == 404:
            return error_page(404, "Page not found",
                              "There is no page at this address. Check the course link.")
        if error.status_code == 405:
            return error_page(405, "Method not allowed",
                              f"This page does not accept {request.method} requests.")
        return error_page(error.status_code, _title_of_status(error.status_code),
                          str(error.detail))

    app.add_exception_handler(LearnerPageError, on_learner_page_error)
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(HTTPException, on_http_error)


def _title_of_status(status_code: int) -> str:
    titles = {404: "Course not found", 409: "Not possible now", 429: "Too many attempts"}
    return titles.get(status_code, "Request failed")
