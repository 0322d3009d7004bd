"""Envelope models and error responses, for the OpenAPI document only.

Handlers build their JSON with orjson directly; these models describe that JSON.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from ondemand_courses import __version__
from ondemand_courses.errors import ErrorLocation
from ondemand_courses.schemas import ClassPublic, CoursePublic, EnrollmentPublic


class ListMetadata(BaseModel):
    total_items: int
    total_pages: int
    current_page: int
    limit: int


class CourseResponse(BaseModel):
    result: Literal["success"]
    data: CoursePublic


class CourseListResponse(BaseModel):
    result: Literal["success"]
    data: list[CoursePublic]
    metadata: ListMetadata | None = Field(
        default=None, description="Present only when page or limit was given.")


class ClassResponse(BaseModel):
    result: Literal["success"]
    data: ClassPublic


class ClassListResponse(BaseModel):
    result: Literal["success"]
    data: list[ClassPublic]
    metadata: ListMetadata | None = Field(
        default=None, description="Present only when page or limit was given.")


class EnrollmentResponse(BaseModel):
    result: Literal["success"]
    data: EnrollmentPublic


class EnrollmentListResponse(BaseModel):
    result: Literal["success"]
    data: list[EnrollmentPublic]
    metadata: ListMetadata | None = Field(
        default=None, description="Present only when page or limit was given.")


class DeletedResponse(BaseModel):
    result: Literal["success"]


class HealthResponse(BaseModel):
    status: Literal["ok"]
    message: str


class FieldErrorModel(BaseModel):
    location: ErrorLocation
    param: str
    msg: str


class ErrorDetail(BaseModel):
    type: str = Field(description="One of the error types of the catalogue.")
    message: str
    errors: list[FieldErrorModel] | None = Field(
        default=None, description="Present on RequestValidationError: one entry per problem.")


class ErrorResponse(BaseModel):
    result: Literal["failure"]
    error: ErrorDetail


_ERROR_DESCRIPTIONS = {
    401: "InvalidCredentials",
    404: "Not found in this organization, or no such route",
    405: "MethodNotAllowed",
    408: "RequestTimeout",
    409: "Conflict with the current state",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    422: "RequestValidationError",
    429: "TooManyRequests",
    431: "RequestHeaderFieldsTooLarge",
    500: "InternalServerError",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Document failure envelopes for ``statuses`` plus those every request can get."""
    every_request = (401, 429, 431, 500)
    return {
        status: {"model": ErrorResponse, "description": _ERROR_DESCRIPTIONS[status]}
        for status in sorted({*statuses, *every_request})
    }


_RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": "Requests allowed per minute.",
    "X-RateLimit-Remaining": "Requests left in the current minute.",
    "X-RateLimit-Reset": "Epoch seconds at which the current minute ends.",
}


def response_headers(status: str) -> dict[str, Any]:
    """Describe the headers of a response: the request id, and the rate-limit headers
    that every response carries when rate limiting is on."""
    integer = {"type": "integer"}
    headers: dict[str, Any] = {
        "X-Request-Id": {"description": "Id of the request, also in the server's log line.",
                         "schema": {"type": "string"}},
    }
    for name, description in _RATE_LIMIT_HEADERS.items():
        headers[name] = {"description": description + " Absent when rate limiting is off.",
                         "schema": integer}
    if status == "429":
        headers["Retry-After"] = {"description": "Whole seconds to wait.", "required": True,
                                  "schema": integer}
    if status == "401":
        headers["WWW-Authenticate"] = {"description": "Always 'Bearer'.", "required": True,
                                       "schema": {"type": "string"}}
    return headers


# Operations whose response names a new resource, and the operations that take its id, as
# OpenAPI links: clients and fuzzers follow them to reach the resource.
_LINKS = {
    "createCourse": ("course_id", ("getCourse", "updateCourse", "deleteCourse")),
    "createClass": ("class_id", ("getClass", "updateClass", "deleteClass")),
    "createEnrollment": ("enrollment_id",
                         ("getEnrollment", "updateEnrollment", "deleteEnrollment")),
}


def _add_links(operation: dict[str, Any]) -> None:
    found = _LINKS.get(operation.get("operationId", ""))
    if found is None:
        return
    parameter, targets = found
    links: dict[str, Any] = {
        target: {"operationId": target, "parameters": {parameter: "$response.body#/data/id"}}
        for target in targets
    }
    if operation["operationId"] == "createEnrollment":
        for link in links.values():
            link["parameters"]["course_id"] = "$request.path.course_id"
    if operation["operationId"] == "createCourse":
        links["createEnrollment"] = {
            "operationId": "createEnrollment",
            "parameters": {"course_id": "$response.body#/data/id"},
            "requestBody": {"email": "learner@example.com"},
        }
    if operation["operationId"] == "createClass":
        links["createCourse"] = {
            "operationId": "createCourse",
            "requestBody": {"name": "Course on the new class",
                            "class_id": "$response.body#/data/id", "days_limit": 5,
                            "activity_hours_limit": 10, "status": "online"},
        }
    operation["responses"]["200"]["links"] = links


def json_body(model: type[BaseModel]) -> dict[str, Any]:
    """Describe a JSON request body that the handler reads itself."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """Generate the document once, with the bearer scheme on every authenticated route."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    document = get_openapi(title="On-Demand Courses API", version=__version__,
                           description="Self-paced lab courses and learner enrollments.",
                           routes=app.routes)
    document["servers"] = [{"url": "/"}]
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {})["bearerAuth"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "Authorization: Bearer ORG_ID:API_KEY",
    }
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            _add_links(operation)
            for status, response in operation.get("responses", {}).items():
                response["headers"] = response_headers(status)
            if path.endswith("/health"):
                operation["security"] = [{}, {"bearerAuth": []}]
            else:
                operation["security"] = [{"bearerAuth": []}]
    app.openapi_schema = document
    return document
