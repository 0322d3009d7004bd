"""The ASGI application: routers, error handlers and middleware wired to one database."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from ondemand_courses.api.course_reads import CourseReadShortcut
from ondemand_courses.api.documentation import build_openapi
from ondemand_courses.api.errors import index_route_methods, install_error_handlers
from ondemand_courses.api.middleware import RequestContextMiddleware
from ondemand_courses.api.routes import classes, courses, health
from ondemand_courses.clock import Clock, SystemClock
from ondemand_courses.logs import configure_logging
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

    app = FastAPI(
        title="On-Demand Courses API",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.database = database
    app.state.services = Services.build(database, clock)

    routers = (health.router, courses.router, classes.router)
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)
    app.state.route_methods = index_route_methods(API_PREFIX, routers)
    install_error_handlers(app)
    if settings.rate_limit_per_minute == 0:
        # Only without rate limiting: the shortcut would otherwise skip the limit's check.
        app.add_middleware(CourseReadShortcut, prefix=API_PREFIX, services=app.state.services,
                           settings=settings)
    app.add_middleware(RequestContextMiddleware)

    def openapi() -> dict[str, Any]:
        return build_openapi(app)

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override
    return app


def create_served_app() -> FastAPI:
    """Factory that ``ondemand serve`` hands to the ASGI server in each worker process."""
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)
