"""The ``page`` and ``limit`` query parameters of lists."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Depends, Request

from ondemand_courses.errors import FieldError, RequestValidationError
from ondemand_courses.services.pages import DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, PageRequest

_DIGITS = re.compile(r"[0-9]+")
MAX_PAGE = 10**18 - 1

# Declared by hand because they are parsed strictly: "1.0", "+1" and "1_000" are not integers.
PAGING_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "page",
        "in": "query",
        "required": False,
        "description": "Page number from 1; giving page or limit makes the answer one page.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    },
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": "Items per page.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_LIMIT,
                   "default": DEFAULT_PAGE_LIMIT},
    },
]


def _parse_bounded(raw: str, name: str, maximum: int, problems: list[FieldError]) -> int:
    if _DIGITS.fullmatch(raw) is None:
        problems.append(FieldError("query", name, "Must be an integer"))
        return 1
    # Compared as text first: Python refuses to convert strings of over 4,300 digits.
    significant = raw.lstrip("0") or "0"
    if len(significant) > len(str(maximum)):
        problems.append(FieldError("query", name, f"Must be at most {maximum}"))
        return 1
    value = int(significant)
    if value < 1:
        problems.append(FieldError("query", name, "Must be at least 1"))
    elif value > maximum:
        problems.append(FieldError("query", name, f"Must be at most {maximum}"))
    return value


async def page_request(request: Request) -> PageRequest | None:
    """Return the requested page, or None when neither ``page`` nor ``limit`` is given.

    Async only so that FastAPI calls it on the event loop instead of in a worker thread.
    """
    query = request.query_params
    raw_page = query.get("page")
    raw_limit = query.get("limit")
    if raw_page is None and raw_limit is None:
        return None
    problems: list[FieldError] = []
    page = 1 if raw_page is None else _parse_bounded(raw_page, "page", MAX_PAGE, problems)
    limit = (DEFAULT_PAGE_LIMIT if raw_limit is None
             else _parse_bounded(raw_limit, "limit", MAX_PAGE_LIMIT, problems))
    if problems:
        raise RequestValidationError(problems)
    return PageRequest(page=page, limit=limit)


RequestedPage = Annotated[PageRequest | None, Depends(page_request)]
