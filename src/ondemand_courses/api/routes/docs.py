"""The OpenAPI document and the interactive documentation, served without credentials.

FastAPI's own routes for these send ``application/json`` without a charset, and every
JSON response of this API is ``application/json; charset=utf-8``.
"""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import HTMLResponse, Response

from ondemand_courses.api.envelope import JSON_MEDIA_TYPE

OPENAPI_PATH = "/openapi.json"
DOCS_PATH = "/docs"

router = APIRouter(include_in_schema=False)


@router.get(OPENAPI_PATH)
async def openapi_document(request: Request) -> Response:
    return Response(orjson.dumps(request.app.openapi()), media_type=JSON_MEDIA_TYPE)


@router.get(DOCS_PATH)
async def interactive_docs(request: Request) -> HTMLResponse:
    # The document sits beside this page, under the same prefix.
    openapi_url = request.url.path.removesuffix(DOCS_PATH) + OPENAPI_PATH
    return get_swagger_ui_html(openapi_url=openapi_url, title="On-Demand Courses API")
