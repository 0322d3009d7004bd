"""``/classes``: the lab templates that courses are based on."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from ondemand_courses.api import envelope
from ondemand_courses.api.auth import CurrentOrganization
from ondemand_courses.api.body import read_json_body
from ondemand_courses.api.context import AppServices, call_service
from ondemand_courses.api.documentation import (
    ClassListResponse,
    ClassResponse,
    DeletedResponse,
    error_responses,
    json_body,
)
from ondemand_courses.api.paging import PAGING_PARAMETERS, RequestedPage
from ondemand_courses.clock import format_timestamp
from ondemand_courses.schemas import ClassCreate, ClassUpdate
from ondemand_courses.store.records import ClassRecord

router = APIRouter(prefix="/classes", tags=["classes"])


def class_data(lab_class: ClassRecord) -> dict[str, Any]:
    return {
        "id": lab_class.id,
        "name": lab_class.name,
        "description": lab_class.description,
        "created_at": format_timestamp(lab_class.created_at),
    }


@router.get("", operation_id="listClasses", response_model=None,
            openapi_extra={"parameters": PAGING_PARAMETERS},
            responses={200: {"model": ClassListResponse}, **error_responses(422)})
async def list_classes(org_id: CurrentOrganization, services: AppServices,
                       page: RequestedPage) -> Response:
    found = await call_service(services, services.classes.list, org_id, page)
    return envelope.success_list(found, [class_data(item) for item in found.items])


@router.post("", operation_id="createClass", response_model=None,
             openapi_extra=json_body(ClassCreate),
             responses={200: {"model": ClassResponse}, **error_responses(408, 413, 415, 422)})
async def create_class(request: Request, org_id: CurrentOrganization,
                       services: AppServices) -> Response:
    body = await read_json_body(request, ClassCreate)

    created = await call_service(services, services.classes.create, org_id, body)

    return envelope.success(class_data(created))


@router.get("/{class_id}", operation_id="getClass", response_model=None,
            responses={200: {"model": ClassResponse}, **error_responses(404)})
async def get_class(class_id: str, org_id: CurrentOrganization,
                    services: AppServices) -> Response:
    lab_class = await call_service(services, services.classes.get, org_id, class_id)
    return envelope.success(class_data(lab_class))


@router.patch("/{class_id}", operation_id="updateClass", response_model=None,
              openapi_extra=json_body(ClassUpdate),
              responses={200: {"model": ClassResponse},
                         **error_responses(404, 408, 413, 415, 422)})
async def update_class(class_id: str, request: Request, org_id: CurrentOrganization,
                       services: AppServices) -> Response:
    body = await read_json_body(request, ClassUpdate)

    updated = await call_service(services, services.classes.update, org_id, class_id, body)

    return envelope.success(class_data(updated))


@router.delete("/{class_id}", operation_id="deleteClass", response_model=None,
               responses={200: {"model": DeletedResponse}, **error_responses(404, 409)})
async def delete_class(class_id: str, org_id: CurrentOrganization,
                       services: AppServices) -> Response:
    """Delete the class; refused while a course is based on it."""
    await call_service(services, services.classes.delete, org_id, class_id)
    return envelope.deleted()
