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


def public_base_url(request: Request) -> str:
    """Return the base of course links: the configured public URL, or this server's address."""
    configured = get_settings(request).public_url
    if configured:
        return configured
    return f"{request.url.scheme}://{request.url.netloc}"


AppServices = Annotated[Services, Depends(get_services)]
PublicBaseUrl = Annotated[str, Depends(public_base_url)]
