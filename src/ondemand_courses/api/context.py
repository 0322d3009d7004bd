"""Per-application objects that route handlers reach through the request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, ParamSpec, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from ondemand_courses.services import Services
from ondemand_courses.settings import Settings


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


Parameters = ParamSpec("Parameters")
Result = TypeVar("Result")


async def call_service(services: Services, method: Callable[Parameters, Result],
                       *args: Parameters.args, **kwargs: Parameters.kwargs) -> Result:
    """Run a service method, which blocks while the database works, from a route handler.

    On PostgreSQL the method runs in the thread pool, because a query can wait for a row
    lock or the network, and the worker's event loop must serve other requests meanwhile.
    On SQLite it runs on the event loop: in WAL mode a read does not wait for writers, and a
    write waits only while another process holds the write lock for its transaction. The
    thread hand-off cost about a quarter of a create's CPU there, measured with
    bench/run.sh on 2 cores.

    NOTE: on SQLite, one worker process may run a long write transaction, such as deleting
    a course with many enrollments. A write request in another worker then waits for it on
    that worker's event loop, which serves nothing else until the transaction commits.
    """
    if services.database.is_sqlite:
        return method(*args, **kwargs)
    return await run_in_threadpool(method, *args, **kwargs)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# FastAPI runs a plain ``def`` dependency in a worker thread and an ``async def`` one on the
# event loop. None of these block, so they are async to save a thread hand-off per request.


async def _services_dependency(request: Request) -> Services:
    return get_services(request)


def public_base_url(request: Request) -> str:
    """Return the base of course links: the configured public URL, or this server's address."""
    configured = get_settings(request).public_url
    if configured:
        return configured
    return f"{request.url.scheme}://{request.url.netloc}"


async def _public_base_url_dependency(request: Request) -> str:
    return public_base_url(request)


AppServices = Annotated[Services, Depends(_services_dependency)]
PublicBaseUrl = Annotated[str, Depends(_public_base_url_dependency)]
