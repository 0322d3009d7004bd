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
EnrollmentStatus = Literal["enrolled", "started", "paused", "stopped", "expired", "finished",
                           "inactive"]
# Statuses that a PATCH may ask for; "finished" is the learner's to set.
PatchableEnrollmentStatus = Literal["started", "paused", "stopped", "expired", "inactive"]

MAX_NAME_LENGTH = 200
MAX_EXTERNAL_ID_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 5000

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

MAX_EMAIL_LENGTH = 254
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}"
    r"@(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def clean_email(value: str) -> str:
    """Return the email address without surrounding spaces, or raise PydanticCustomError.

    Accepts the common form ``local@domain.tld``: no quoted local parts, no IP literals,
    ASCII only. Case is kept; the server compares addresses case-insensitively.
    """
    email = value.strip()
    if len(email) > MAX_EMAIL_LENGTH:
        raise PydanticCustomError("email_too_long", "Must be at most 254 characters")
    local = email.partition("@")[0]
    malformed_dots = local.startswith(".") or local.endswith(".") or ".." in local
    if _EMAIL.fullmatch(email) is None or malformed_dots:
        raise PydanticCustomError("email_invalid", "Must be an email address like name@example.com")
    return email


Email = Annotated[str, AfterValidator(clean_email),
                  Field(description="An email address; compared case-insensitively.")]

_STRICT_INPUT = ConfigDict(strict=True, extra="forbid")

# Fields that the server sets; a body that sends them gets a clear error per field.
SERVER_OWNED_FIELDS = frozenset({"id", "course_link", "public_access_token", "created_at"})


class CourseCreate(BaseModel):
    model_config = _STRICT_INPUT

    name: Name
    class_id: str
    external_id: ExternalId | None = None
    days_limit: DaysLimit
    activity_hours_limit: ActivityHoursLimit
    status: CourseStatus


class CourseUpdate(BaseModel):
    """Any subset of a course's writable fields; ``external_id`` may be set to null."""

    model_config = _STRICT_INPUT

    name: Name | None = None
    class_id: str | None = None
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


class EnrollmentCreate(BaseModel):
    model_config = _STRICT_INPUT

    email: Email


class EnrollmentUpdate(BaseModel):
    model_config = _STRICT_INPUT

    status: PatchableEnrollmentStatus


class EnrollmentPublic(BaseModel):
    id: str
    course_id: str
    email: str
    status: EnrollmentStatus
    enrolled_at: str
    started_at: str | None
    end_date: str | None
    first_activity: str | None
    paused_at: str | None
    stopped_at: str | None
    expired_at: str | None
    finished_at: str | None
    inactivated_at: str | None
    active_time_left: int | None = Field(description="Minutes, rounded down; null until started.")
    enrollment_time_left: int | None = Field(
        description="Minutes until end_date, rounded down; null until started.")


# Fields of an update body that may be null; null in any other field is an error.
NULLABLE_UPDATE_FIELDS = frozenset({"external_id", "description"})
