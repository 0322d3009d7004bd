"""``GET /health``: a liveness probe, and a credentials check when sent with a key."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from ondemand_courses.api.auth import authenticate
from ondemand_courses.api.documentation import HealthResponse, error_responses
from ondemand_courses.api.envelope import JSON_MEDIA_TYPE

router = APIRouter(tags=["health"])

_HEALTHY = orjson.dumps({"status": "ok", "message": "Healthy"})


@router.get("/health", operation_id="getHealth", response_model=None,
            responses={200: {"model": HealthResponse}, **error_responses()})
async def health(request: Request) -> Response:
    if "authorization" in request.headers:
        authenticate(request)
    return Response(_HEALTHY, media_type=JSON_MEDIA_TYPE)
