"""Authentication: ``Authorization: Bearer ORG_ID:API_KEY`` names the caller's organization."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ondemand_courses.api.context import get_services
from ondemand_courses.errors import InvalidCredentials


def parse_bearer_credentials(header: str) -> tuple[str, str] | None:
    """Split ``Bearer ORG_ID:API_KEY`` into its two halves; None if it is malformed."""
    scheme, _, credentials = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    org_id, separator, api_key = credentials.strip().partition(":")
    if not separator or not org_id or not api_key:
        return None
    return org_id, api_key


def authenticate(request: Request) -> str:
    """Return the id of the organization whose valid credentials the request carries."""
    header = request.headers.get("authorization")
    credentials = None if header is None else parse_bearer_credentials(header)
    if credentials is None:
        raise InvalidCredentials()
    org_id, api_key = credentials
    if not get_services(request).organizations.authenticate(org_id, api_key):
        raise InvalidCredentials()
    request.state.org_id = org_id
    return org_id


async def _current_organization(request: Request) -> str:
    # An async dependency runs on the event loop; a plain one would cost a worker-thread
    # hand-off on every request. The check reads SQLite, as the route handlers do.
    return authenticate(request)


CurrentOrganization = Annotated[str, Depends(_current_organization)]
