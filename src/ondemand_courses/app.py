"""The ASGI application: routers, error handlers and middleware wired to one database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from ondemand_courses.api.course_reads import CourseReadShortcut
from ondemand_courses.api.documentation import build_openapi
from ondemand_courses.api.errors import index_route_methods, install_error_handlers
from ondemand_courses.api.middleware import HeaderSizeLimitMiddleware, RequestContextMiddleware
from ondemand_courses.api.ratelimit import RateLimitMiddleware
from ondemand_courses.api.routes import classes, courses, docs, enrollments, health
from ondemand_courses.clock import Clock, SystemClock
from ondemand_courses.learner import routes as learner
from ondemand_courses.learner.limiter import WrongTokenLimiter
from ondemand_courses.learner.pages import STATIC_DIRECTORY, install_learner_error_pages
from ondemand_courses.logs import configure_logging
from ondemand_courses.ratelimit import (
    CounterStore,
    MemoryCounterStore,
    RateLimiter,
    RedisCounterStore,
)
from ondemand_courses.services import Services
from ondemand_courses.settings import Settings
from ondemand_courses.store.database import Database, migrate

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, *, clock: Clock | None = None,
               database: Database | None = None) -> FastAPI:
    """Build the application; migrates the database schema first if it is behind."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    if database is None:
        database = Database(settings.database_url)
        migrate(database)

    limiter = None
    if settings.rate_limit_per_minute > 0:
        limiter = RateLimiter(settings.rate_limit_per_minute, counter_store(settings), clock)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if limiter is not None:
            await limiter.close()

    app = FastAPI(
        lifespan=lifespan,
        title="On-Demand Courses API",
        # Served by the docs router, with ``charset=utf-8`` like every JSON response.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.database = database
    app.state.services = Services.build(database, clock)

    routers = (health.router, courses.router, classes.router, enrollments.router, docs.router)
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)
    app.state.route_methods = index_route_methods(API_PREFIX, routers)
    install_error_handlers(app)

    app.state.learner_limiter = WrongTokenLimiter(clock)
    app.include_router(learner.router)
    app.mount("/training/static", StaticFiles(directory=STATIC_DIRECTORY), name="learner-static")
    install_learner_error_pages(app)

    # The last middleware added runs first: the request id and log line wrap everything,
    # and the course read shortcut runs only after the header limit has been checked.
    if settings.rate_limit_per_minute == 0 and database.is_sqlite:
        # Not with rate limiting, whose check the shortcut would skip, and not on
        # PostgreSQL, where its synchronous reads would block the event loop.
        app.add_middleware(CourseReadShortcut, prefix=API_PREFIX, services=app.state.services,
                           database=database, settings=settings)
    app.add_middleware(HeaderSizeLimitMiddleware, max_bytes=settings.max_header_bytes)
    if limiter is not None:
        app.add_middleware(RateLimitMiddleware, limiter=limiter, services=app.state.services,
                           path_prefix=API_PREFIX)
    app.add_middleware(RequestContextMiddleware)

    def openapi() -> dict[str, Any]:
        return build_openapi(app)

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override
    return app


def counter_store(settings: Settings) -> CounterStore:
    """Return where rate-limit counts live: Redis when configured, else this process."""
    if settings.redis_url is None:
        return MemoryCounterStore()
    return RedisCounterStore(settings.redis_url, settings.redis_key_prefix)


def server_options(settings: Settings) -> dict[str, Any]:
    """Return the options of the ASGI server (uvicorn) that the limits depend on.

    ``BoundedHttpToolsProtocol`` is uvicorn's httptools protocol, which alone has no bound
    on the request head it buffers (checked on uvicorn 0.55), with that bound added: past
    ``h11_max_incomplete_event_size`` bytes of an incomplete request line and headers it
    responds with 400. Twice the header limit leaves room for the application to respond
    to requests just over the limit with its 431 envelope.

    uvicorn has no timeout for a request head that arrives slowly. Such a connection
    occupies a socket and a little memory but no worker, because one event loop serves
    all requests of a process. ``timeout_keep_alive`` (5 seconds) closes idle connections.
    """
    return {
        "http": "ondemand_courses.api.http_protocol:BoundedHttpToolsProtocol",
        "h11_max_incomplete_event_size": 2 * settings.max_header_bytes,
        "log_config": None,
        "access_log": False,
        "server_header": False,
    }


def create_served_app() -> FastAPI:
    """Factory that ``ondemand serve`` hands to the ASGI server in each worker process."""
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)
