"""Per-application objects that route handlers reach through the request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ondemand_courses.services import Services
from ondemand_courses.settings import Settings


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


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
