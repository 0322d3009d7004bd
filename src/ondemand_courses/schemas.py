"""Request bodies and response shapes of the API.

Input models are strict: ``"5"`` is not ``5``, booleans are not numbers, and unknown or
server-owned fields are errors.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

CourseStatus = Literal["online", "offline"]

MAX_NAME_LENGTH = 200
MAX_EXTERNAL_ID_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 5000
# Ids are 17 characters; the bound leaves room for a longer id format.
MAX_CLASS_ID_LENGTH = 64

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _clean_name(value: str) -> str:
    name = value.strip()
    if not name:
        raise PydanticCustomError("name_empty", "Must not be empty or only spaces")
    if len(name) > MAX_NAME_LENGTH:
        raise PydanticCustomError("name_too_long", "Must be at most 200 characters")
    if _CONTROL_CHARACTERS.search(name):
        raise PydanticCustomError("name_control_character", "Must not contain control characters")
    return name


Name = Annotated[str, AfterValidator(_clean_name), Field(description="1 to 200 characters.")]
ExternalId = Annotated[str, Field(max_length=MAX_EXTERNAL_ID_LENGTH)]
DaysLimit = Annotated[int, Field(ge=1, le=3650)]
ActivityHoursLimit = Annotated[int, Field(ge=1, le=10000)]
Description = Annotated[str, Field(max_length=MAX_DESCRIPTION_LENGTH)]
ClassId = Annotated[str, Field(max_length=MAX_CLASS_ID_LENGTH)]

_STRICT_INPUT = ConfigDict(strict=True, extra="forbid")

# Fields that the server sets; a body that sends them gets a clear error per field.
SERVER_OWNED_FIELDS = frozenset({"id", "course_link", "public_access_token", "created_at"})


class CourseCreate(BaseModel):
    model_config = _STRICT_INPUT

    name: Name
    class_id: ClassId
    external_id: ExternalId | None = None
    days_limit: DaysLimit
    activity_hours_limit: ActivityHoursLimit
    status: CourseStatus


class CourseUpdate(BaseModel):
    """Any subset of a course's writable fields; ``external_id`` may be set to null."""

    model_config = _STRICT_INPUT

    name: Name | None = None
    class_id: ClassId | None = None
    external_id: ExternalId | None = None
    days_limit: DaysLimit | None = None
    activity_hours_limit: ActivityHoursLimit | None = None
    status: CourseStatus | None = None


class CoursePublic(BaseModel):
    activity_hours_limit: int
    class_id: str
    course_link: str
    days_limit: int
    external_id: str | None
    id: str
    name: str
    public_access_token: str
    status: CourseStatus


class ClassCreate(BaseModel):
    model_config = _STRICT_INPUT

    name: Name
    description: Description | None = None


class ClassUpdate(BaseModel):
    model_config = _STRICT_INPUT

    name: Name | None = None
    description: Description | None = None


class ClassPublic(BaseModel):
    id: str
    name: str
    description: str | None
    created_at: str = Field(description="UTC ISO 8601 with milliseconds.")


# Fields of an update body that may be null; null in any other field is an error.
NULLABLE_UPDATE_FIELDS = frozenset({"external_id", "description"})
