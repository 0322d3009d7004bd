"""The success and failure envelopes, serialized with orjson."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import orjson
from starlette.responses import Response, StreamingResponse

from ondemand_courses.errors import ApiError, RequestValidationError
from ondemand_courses.services.pages import Page

JSON_MEDIA_TYPE = "application/json; charset=utf-8"

_DELETED_BODY = orjson.dumps({"result": "success"})


def success(data: Any) -> Response:
    return Response(orjson.dumps({"result": "success", "data": data}),
                    media_type=JSON_MEDIA_TYPE)


def success_list(page: Page[Any], items: list[Any]) -> Response:
    """Return a list: a plain array, or one page with its ``metadata``."""
    body: dict[str, Any] = {"result": "success", "data": items}
    if page.metadata is not None:
        body["metadata"] = {
            "total_items": page.metadata.total_items,
            "total_pages": page.metadata.total_pages,
            "current_page": page.metadata.current_page,
            "limit": page.metadata.limit,
        }
    return Response(orjson.dumps(body), media_type=JSON_MEDIA_TYPE)


def success_in_batches(batches: Iterator[list[Any]]) -> Response:
    """Return the response to a whole list that arrives in batches, in the bytes of ``success``.

    A list of one batch is sent with a Content-Length. A longer one is streamed with
    chunked encoding, one batch at a time, so memory does not grow with the list.
    """
    first = next(batches, [])
    second = next(batches, None)
    if second is None:
        return success(first)

    async def chunks() -> AsyncIterator[bytes]:
        # orjson.dumps(batch)[1:-1] is the batch's items without the enclosing brackets.
        yield b'{"result":"success","data":[' + orjson.dumps(first)[1:-1]
        yield b"," + orjson.dumps(second)[1:-1]
        for batch in batches:
            yield b"," + orjson.dumps(batch)[1:-1]
        yield b"]}"

    return StreamingResponse(chunks(), media_type=JSON_MEDIA_TYPE)


def deleted() -> Response:
    return Response(_DELETED_BODY, media_type=JSON_MEDIA_TYPE)


def failure_body(error: ApiError) -> dict[str, Any]:
    detail: dict[str, Any] = {"type": error.type, "message": error.message}
    if isinstance(error, RequestValidationError):
        detail["errors"] = [
            {"location": item.location, "param": item.param, "msg": item.msg}
            for item in error.errors
        ]
    return {"result": "failure", "error": detail}


def failure(error: ApiError, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(failure_body(error)), status_code=error.status_code,
                    media_type=JSON_MEDIA_TYPE, headers=headers)
