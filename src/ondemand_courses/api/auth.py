"""Authentication: ``Authorization: Bearer ORG_ID:API_KEY`` names the caller's organization."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import Headers
from starlette.types import Scope

from ondemand_courses.api.context import get_services
from ondemand_courses.errors import InvalidCredentials
from ondemand_courses.services import Services

# Key of the scope's state under which the result of the credentials check is kept.
_CHECKED = "credentials_checked_org_id"


def parse_bearer_credentials(header: str) -> tuple[str, str] | None:
    """Split ``Bearer ORG_ID:API_KEY`` into its two halves; None if it is malformed."""
    scheme, _, credentials = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    org_id, separator, api_key = credentials.strip().partition(":")
    if not separator or not org_id or not api_key:
        return None
    return org_id, api_key


def resolve_organization(scope: Scope, services: Services) -> str | None:
    """Return the organization whose valid credentials the request carries, else None.

    The check runs once per request: its result is kept in the scope's state, where the
    rate limiter and the ``CurrentOrganization`` dependency both read it, and where the
    request log line finds the organization id.
    """
    state = scope.setdefault("state", {})
    if _CHECKED in state:
        checked: str | None = state[_CHECKED]
        return checked
    header = Headers(scope=scope).get("authorization")
    credentials = None if header is None else parse_bearer_credentials(header)
    org_id = None
    if credentials is not None and services.organizations.authenticate(*credentials):
        org_id = credentials[0]
        state["org_id"] = org_id
    state[_CHECKED] = org_id
    return org_id


def authenticate(request: Request) -> str:
    """Return the id of the organization whose valid credentials the request carries."""
    org_id = resolve_organization(request.scope, get_services(request))
    if org_id is not None:
        return org_id
    header = request.headers.get("authorization")
    if header is None:
        raise InvalidCredentials(InvalidCredentials.missing_message)
    if parse_bearer_credentials(header) is None:
        raise InvalidCredentials(InvalidCredentials.malformed_message)
    raise InvalidCredentials()
    return org_id


async def _current_organization(request: Request) -> str:
    # An async dependency runs on the event loop; a plain one would cost a worker-thread
    # hand-off on every request. The check reads SQLite, as the route handlers do.
    return authenticate(request)


CurrentOrganization = Annotated[str, Depends(_current_organization)]
