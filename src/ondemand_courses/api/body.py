"""Reading JSON request bodies: size, media type, syntax and the model, in that order."""

from __future__ import annotations

import asyncio
import re
from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect

from ondemand_courses.api.context import get_settings
from ondemand_courses.errors import (
    FieldError,
    PayloadTooLarge,
    RequestTimeout,
    RequestValidationError,
    UnsupportedMediaType,
)
from ondemand_courses.schemas import NULLABLE_UPDATE_FIELDS, SERVER_OWNED_FIELDS

Model = TypeVar("Model", bound=BaseModel)

# Deepest nesting of arrays and objects a body may have; the body object itself is level 1.
# No valid body nests deeper than 2, so this bound only stops hostile input early.
MAX_JSON_DEPTH = 32

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_BRACKETS = re.compile(rb"[\[\]{}]")

_WHOLE_BODY_MESSAGES = {
    "json_invalid": "Body is not valid JSON",
    "model_type": "Body must be a JSON object",
    "model_attributes_type": "Body must be a JSON object",
}


def is_json_media_type(content_type: str) -> bool:
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


async def read_body_bytes(request: Request, max_bytes: int, timeout_seconds: float) -> bytes:
    """Read the body, raising PayloadTooLarge as soon as it passes ``max_bytes``, and
    RequestTimeout when no part of it arrives for ``timeout_seconds``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(f"The request body is larger than the limit of {max_bytes} bytes.")
    chunks: list[bytes] = []
    size = 0
    more_body = True
    while more_body:
        try:
            message = await asyncio.wait_for(request.receive(), timeout_seconds)
        except TimeoutError:
            raise RequestTimeout(
                f"No part of the request body arrived for {timeout_seconds:g} seconds; "
                "send the whole body at once."
            ) from None
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(
                f"The request body is larger than the limit of {max_bytes} bytes."
            )
        chunks.append(chunk)
        more_body = message.get("more_body", False)
    return b"".join(chunks)


def nesting_depth(raw: bytes) -> int:
    """Return how deeply the arrays and objects of a JSON text nest (0 for a scalar).

    Brackets inside strings are skipped; unbalanced brackets are left for the parser.
    """
    structure = _JSON_STRING.sub(b"", raw)
    depth = deepest = 0
    for bracket in _JSON_BRACKETS.findall(structure):
        if bracket in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def field_errors(error: ValidationError) -> list[FieldError]:
    """Turn a body's Pydantic errors into the contract's error entries."""
    found: list[FieldError] = []
    for item in error.errors(include_url=False):
        param = ".".join(str(part) for part in item["loc"])
        kind = item["type"]
        if not param:
            message = _WHOLE_BODY_MESSAGES.get(kind, item["msg"])
        elif kind == "extra_forbidden":
            message = ("Is set by the server and cannot be written" if param in SERVER_OWNED_FIELDS
                       else "Unknown field")
        elif kind == "missing":
            message = "Field required"
        else:
            message = item["msg"]
        found.append(FieldError(location="body", param=param, msg=message))
    return found


async def read_json_body(request: Request, model: type[Model]) -> Model:
    """Read and validate the request's JSON body as ``model``.

    Update models (every field optional) accept null only in ``NULLABLE_UPDATE_FIELDS``.
    """
    settings = get_settings(request)
    raw = await read_body_bytes(request, settings.max_body_bytes, settings.body_timeout_seconds)
    content_type = request.headers.get("content-type")
    if raw and content_type is not None and not is_json_media_type(content_type):
        raise UnsupportedMediaType(
            f"The request body must be JSON, not '{content_type[:100]}': "
            "send 'Content-Type: application/json'."
        )
    if not raw.strip():
        missing = FieldError("body", "", "Body is missing: send a JSON object")
        raise RequestValidationError([missing])
    if nesting_depth(raw) > MAX_JSON_DEPTH:
        too_deep = FieldError("body", "", f"Body nests deeper than {MAX_JSON_DEPTH} levels")
        raise RequestValidationError([too_deep])
    try:
        parsed = model.model_validate_json(raw)
    except ValidationError as error:
        raise RequestValidationError(field_errors(error)) from None
    null_fields = [
        name for name in sorted(parsed.model_fields_set)
        if getattr(parsed, name) is None and name not in NULLABLE_UPDATE_FIELDS
    ]
    if null_fields:
        raise RequestValidationError([FieldError("body", name, "Must not be null")
                                      for name in null_fields])
    return parsed
