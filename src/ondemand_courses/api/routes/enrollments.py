"""``/ondemand/{course_id}/enrollments``: learners' enrollments in a course."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from ondemand_courses.api import envelope
from ondemand_courses.api.auth import CurrentOrganization
from ondemand_courses.api.body import read_json_body
from ondemand_courses.api.context import AppServices, call_service
from ondemand_courses.api.documentation import (
    DeletedResponse,
    EnrollmentListResponse,
    EnrollmentResponse,
    error_responses,
    json_body,
)
from ondemand_courses.api.paging import PAGING_PARAMETERS, RequestedPage
from ondemand_courses.clock import format_timestamp
from ondemand_courses.errors import FieldError, RequestValidationError
from ondemand_courses.schemas import EnrollmentCreate, EnrollmentStatus, EnrollmentUpdate
from ondemand_courses.services.lifecycle import EnrollmentState
from ondemand_courses.store.enrollments import EnrollmentFilter

router = APIRouter(prefix="/ondemand/{course_id}/enrollments", tags=["enrollments"])

_STATUSES: tuple[str, ...] = EnrollmentStatus.__args__  # type: ignore[attr-defined]  # a Literal

_ONE_STATUS = rf"\s*(?:{'|'.join(_STATUSES)})\s*"
_STATUS_LIST_PATTERN = rf"^{_ONE_STATUS}(?:,{_ONE_STATUS})*$"

_FILTER_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "email",
        "in": "query",
        "required": False,
        "description": "Only the enrollment of this email, compared case-insensitively.",
        "schema": {"type": "string", "pattern": r"\S"},
    },
    {
        "name": "status",
        "in": "query",
        "required": False,
        "description": "Only enrollments in one of these statuses, comma-separated.",
        "schema": {"type": "string", "example": "started,paused",
                   "pattern": _STATUS_LIST_PATTERN},
    },
]


def enrollment_data(state: EnrollmentState) -> dict[str, Any]:
    enrollment = state.record
    return {
        "id": enrollment.id,
        "course_id": enrollment.course_id,
        "email": enrollment.email,
        "status": enrollment.status,
        "enrolled_at": format_timestamp(enrollment.enrolled_at),
        "started_at": format_timestamp(enrollment.started_at),
        "end_date": format_timestamp(enrollment.end_date),
        "first_activity": format_timestamp(enrollment.first_activity),
        "paused_at": format_timestamp(enrollment.paused_at),
        "stopped_at": format_timestamp(enrollment.stopped_at),
        "expired_at": format_timestamp(enrollment.expired_at),
        "finished_at": format_timestamp(enrollment.finished_at),
        "inactivated_at": format_timestamp(enrollment.inactivated_at),
        "active_time_left": state.active_time_left,
        "enrollment_time_left": state.enrollment_time_left,
    }


def enrollment_filter(request: Request) -> EnrollmentFilter:
    """Read the ``email`` and ``status`` query parameters of the list."""
    query = request.query_params
    problems: list[FieldError] = []
    email = query.get("email")
    if email is not None and not email.strip():
        problems.append(FieldError("query", "email", "Must not be empty"))
    statuses: set[str] | None = None
    raw_statuses = query.get("status")
    if raw_statuses is not None:
        statuses = {item.strip() for item in raw_statuses.split(",")}
        unknown = sorted(statuses - set(_STATUSES))
        if unknown:
            names = ", ".join(repr(item) for item in unknown)
            problems.append(FieldError(
                "query", "status",
                f"Unknown status {names}; expected a comma-separated list of: "
                f"{', '.join(_STATUSES)}",
            ))
    if problems:
        raise RequestValidationError(problems)
    return EnrollmentFilter(email=None if email is None else email.strip(), statuses=statuses)


RequestedFilter = Annotated[EnrollmentFilter, Depends(enrollment_filter)]


@router.get("", operation_id="listEnrollments", response_model=None,
            openapi_extra={"parameters": [*PAGING_PARAMETERS, *_FILTER_PARAMETERS]},
            responses={200: {"model": EnrollmentListResponse}, **error_responses(404, 422)})
async def list_enrollments(course_id: str, org_id: CurrentOrganization, services: AppServices,
                           page: RequestedPage, where: RequestedFilter) -> Response:
    """List the course's enrollments, oldest first."""
    found = await call_service(services, services.enrollments.list, org_id, course_id, page, where)
    return envelope.success_list(found, [enrollment_data(state) for state in found.items])


@router.post("", operation_id="createEnrollment", response_model=None,
             openapi_extra=json_body(EnrollmentCreate),
             responses={200: {"model": EnrollmentResponse},
                        **error_responses(404, 408, 409, 413, 415, 422)})
async def create_enrollment(course_id: str, request: Request, org_id: CurrentOrganization,
                            services: AppServices) -> Response:
    """Enroll a learner by email; each email once per course."""
    body = await read_json_body(request, EnrollmentCreate)

    created = await call_service(services, services.enrollments.enroll, org_id, course_id,
                                 body.email)

    return envelope.success(enrollment_data(created))


@router.get("/{enrollment_id}", operation_id="getEnrollment", response_model=None,
            responses={200: {"model": EnrollmentResponse}, **error_responses(404)})
async def get_enrollment(course_id: str, enrollment_id: str, org_id: CurrentOrganization,
                         services: AppServices) -> Response:
    state = await call_service(services, services.enrollments.get, org_id, course_id, enrollment_id)
    return envelope.success(enrollment_data(state))


@router.patch("/{enrollment_id}", operation_id="updateEnrollment", response_model=None,
              openapi_extra=json_body(EnrollmentUpdate),
              responses={200: {"model": EnrollmentResponse},
                         **error_responses(404, 408, 409, 413, 415, 422)})
async def update_enrollment(course_id: str, enrollment_id: str, request: Request,
                            org_id: CurrentOrganization, services: AppServices) -> Response:
    """Change the enrollment's status: pause, resume ("started"), stop, expire, inactivate."""
    body = await read_json_body(request, EnrollmentUpdate)

    state = await call_service(services, services.enrollments.change_status, org_id, course_id,
                                    enrollment_id, body.status)

    return envelope.success(enrollment_data(state))


@router.delete("/{enrollment_id}", operation_id="deleteEnrollment", response_model=None,
               responses={200: {"model": DeletedResponse}, **error_responses(404, 409)})
async def delete_enrollment(course_id: str, enrollment_id: str, org_id: CurrentOrganization,
                            services: AppServices) -> Response:
    """Delete an enrollment that has not started."""
    await call_service(services, services.enrollments.delete, org_id, course_id, enrollment_id)
    return envelope.deleted()
