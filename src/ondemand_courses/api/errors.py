"""The one place where exceptions become failure envelopes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError as FastApiValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import compile_path

from ondemand_courses.api.envelope import failure
from ondemand_courses.errors import (
    ApiError,
    FieldError,
    InvalidCredentials,
    MethodNotAllowed,
    NotFound,
    RequestValidationError,
    TooManyRequests,
)

_LOCATIONS = {"body", "query", "path", "header"}


@dataclass(frozen=True)
class RouteMethods:
    """A path pattern of the API and the methods it accepts, for the ``Allow`` header."""

    pattern: re.Pattern[str]
    methods: frozenset[str]
    path: str
    """The path template, such as ``/api/v1/ondemand/{course_id}``."""


def index_route_methods(prefix: str, routers: Iterable[APIRouter]) -> list[RouteMethods]:
    index: list[RouteMethods] = []
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute):
                pattern, _, _ = compile_path(prefix + route.path)
                index.append(RouteMethods(pattern, frozenset(route.methods or ()),
                                          prefix + route.path))
    return index


def _allowed_methods(request: Request) -> list[str]:
    methods: set[str] = set()
    route_index: list[RouteMethods] = request.app.state.route_methods
    for route in route_index:
        if route.pattern.match(request.url.path):
            methods.update(route.methods)
    return sorted(methods)


async def handle_api_error(_request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    headers: dict[str, str] = {}
    if isinstance(error, InvalidCredentials):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, TooManyRequests):
        headers["Retry-After"] = str(error.retry_after_seconds)
    return failure(error, headers)


async def handle_http_exception(request: Request, error: Exception) -> Response:
    """Return Starlette's routing errors (unknown route, wrong method) as failure envelopes."""
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        allowed = _allowed_methods(request)
        message = f"Method {request.method} is not allowed here; allowed: {', '.join(allowed)}."
        return failure(MethodNotAllowed(message), {"Allow": ", ".join(allowed)})
    if error.status_code == 404:
        path = request.url.path
        hint = "; remove the trailing slash" if path.endswith("/") and path != "/" else ""
        return failure(NotFound(f"No route matches {request.method} '{path}'{hint}."))
    generic = ApiError(str(error.detail))
    generic.status_code = error.status_code  # type: ignore[misc]  # a status Starlette chose
    return failure(generic, dict(error.headers or {}))


async def handle_validation_error(_request: Request, error: Exception) -> Response:
    """Return FastAPI's own parameter validation errors as RequestValidationError envelopes."""
    assert isinstance(error, FastApiValidationError)
    problems: list[FieldError] = []
    for item in error.errors():
        location: Any = item["loc"][0] if item["loc"] else "body"
        if location not in _LOCATIONS:
            location = "body"
        param = ".".join(str(part) for part in item["loc"][1:])
        message = "Field required" if item["type"] == "missing" else item["msg"]
        problems.append(FieldError(location=location, param=param, msg=message))
    return await handle_api_error(_request, RequestValidationError(problems))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, handle_api_error)
    app.add_exception_handler(HTTPException, handle_http_exception)
    app.add_exception_handler(FastApiValidationError, handle_validation_error)
