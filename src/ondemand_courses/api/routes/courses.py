"""``/ondemand``: the course resource."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from ondemand_courses.api import envelope
from ondemand_courses.api.auth import CurrentOrganization
from ondemand_courses.api.body import read_json_body
from ondemand_courses.api.context import AppServices, PublicBaseUrl, call_service
from ondemand_courses.api.documentation import (
    CourseListResponse,
    CourseResponse,
    DeletedResponse,
    error_responses,
    json_body,
)
from ondemand_courses.api.paging import PAGING_PARAMETERS, RequestedPage
from ondemand_courses.schemas import CourseCreate, CourseUpdate
from ondemand_courses.store.records import CourseRecord

router = APIRouter(prefix="/ondemand", tags=["courses"])

# Courses per batch of a whole-list response. A longer list is streamed batch by batch.
LIST_BATCH_SIZE = 1000


def course_data(course: CourseRecord, base_url: str) -> dict[str, Any]:
    return {
        "activity_hours_limit": course.activity_hours_limit,
        "class_id": course.class_id,
        "course_link": f"{base_url}/training/ondemand/{course.id}",
        "days_limit": course.days_limit,
        "external_id": course.external_id,
        "id": course.id,
        "name": course.name,
        "public_access_token": course.public_access_token,
        "status": course.status,
    }


@router.get("", operation_id="listCourses", response_model=None,
            openapi_extra={"parameters": PAGING_PARAMETERS},
            responses={200: {"model": CourseListResponse}, **error_responses(422)})
async def list_courses(org_id: CurrentOrganization, services: AppServices,
                       base_url: PublicBaseUrl, page: RequestedPage) -> Response:
    """List every course of the organization, oldest first, whatever its status."""
    if page is None:
        batches = services.courses.list_in_batches(org_id, LIST_BATCH_SIZE)
        return envelope.success_in_batches(
            [course_data(course, base_url) for course in batch] for batch in batches
        )
    found = await call_service(services, services.courses.list, org_id, page)
    return envelope.success_list(found, [course_data(course, base_url) for course in found.items])


@router.post("", operation_id="createCourse", response_model=None,
             openapi_extra=json_body(CourseCreate),
             responses={200: {"model": CourseResponse},
                         **error_responses(404, 408, 413, 415, 422)})
async def create_course(request: Request, org_id: CurrentOrganization, services: AppServices,
                        base_url: PublicBaseUrl) -> Response:
    body = await read_json_body(request, CourseCreate)

    course = await call_service(services, services.courses.create, org_id, body)

    return envelope.success(course_data(course, base_url))


@router.get("/{course_id}", operation_id="getCourse", response_model=None,
            responses={200: {"model": CourseResponse}, **error_responses(404)})
async def get_course(course_id: str, org_id: CurrentOrganization, services: AppServices,
                     base_url: PublicBaseUrl) -> Response:
    course = await call_service(services, services.courses.get, org_id, course_id)
    return envelope.success(course_data(course, base_url))


@router.patch("/{course_id}", operation_id="updateCourse", response_model=None,
              openapi_extra=json_body(CourseUpdate),
              responses={200: {"model": CourseResponse},
                         **error_responses(404, 408, 413, 415, 422)})
async def update_course(course_id: str, request: Request, org_id: CurrentOrganization,
                        services: AppServices, base_url: PublicBaseUrl) -> Response:
    """Change any subset of the course's writable fields."""
    body = await read_json_body(request, CourseUpdate)

    course = await call_service(services, services.courses.update, org_id, course_id, body)

    return envelope.success(course_data(course, base_url))


@router.delete("/{course_id}", operation_id="deleteCourse", response_model=None,
               responses={200: {"model": DeletedResponse}, **error_responses(404, 409)})
async def delete_course(course_id: str, org_id: CurrentOrganization,
                        services: AppServices) -> Response:
    """Delete the course and its enrollments; refused while an enrollment is running."""
    await call_service(services, services.courses.delete, org_id, course_id)
    return envelope.deleted()
