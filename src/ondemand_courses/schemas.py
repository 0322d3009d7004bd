"""Request bodies and response shapes of the API.

Input models are strict: ``"5"`` is not ``5``, booleans are not numbers, and unknown or
server-owned fields are errors.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

CourseStatus = Literal["online", "offline"]
EnrollmentStatus = Literal["enrolled", "started", "paused", "stopped", "expired", "finished",
                           "inactive"]
# Statuses that a PATCH may ask for; "finished" is the learner's to set.
PatchableEnrollmentStatus = Literal["started", "paused", "stopped", "expired", "inactive"]

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


# The rules of _clean_name as a JSON Schema pattern, for the OpenAPI document: up to 200
# characters without control characters, not starting or ending with whitespace, with
# any whitespace around them.
NAME_PATTERN = (
    r"^\s*[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]{0,198}"
    r"[^\s\x00-\x1f\x7f-\x9f])?\s*$"
)

Name = Annotated[
    str,
    AfterValidator(_clean_name),
    Field(description="1 to 200 characters after trimming whitespace, no control characters.",
          json_schema_extra={"pattern": NAME_PATTERN}),
]
ExternalId = Annotated[str, Field(max_length=MAX_EXTERNAL_ID_LENGTH)]


def _whole_number_to_int(value: object) -> object:
    """Read a JSON number with a zero fraction, such as ``5.0``, as the integer it is.

    JSON has one number type, and JSON Schema counts ``5.0`` as an integer; ``5.5``,
    ``"5"`` and ``true`` stay invalid.
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# The bounds come before the validator so that Pydantic documents them as minimum/maximum.
DaysLimit = Annotated[int, Field(ge=1, le=3650), BeforeValidator(_whole_number_to_int)]
ActivityHoursLimit = Annotated[int, Field(ge=1, le=10000),
                               BeforeValidator(_whole_number_to_int)]
Description = Annotated[str, Field(max_length=MAX_DESCRIPTION_LENGTH)]
ClassId = Annotated[str, Field(max_length=MAX_CLASS_ID_LENGTH)]

MAX_EMAIL_LENGTH = 254
_LOCAL_CHARACTER = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LOCAL_PART = rf"{_LOCAL_CHARACTER}(?:[A-Za-z0-9!#$%&'*+/=?^_`{{|}}~.-]{{0,62}}{_LOCAL_CHARACTER})?"
_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# The common form local@domain.tld: a local part of up to 64 characters that neither
# starts nor ends with a dot (no quoting), DNS labels and a letters-only top-level
# domain; ASCII only, no IP literals. It has no lookarounds, so that the OpenAPI
# document can carry the same pattern and fuzzers generate only addresses it accepts.
EMAIL_PATTERN = rf"{_LOCAL_PART}@(?:{_DOMAIN_LABEL}\.)+[A-Za-z]{{2,63}}"
_EMAIL = re.compile(EMAIL_PATTERN)


def clean_email(value: str) -> str:
    """Return the email address without surrounding spaces, or raise PydanticCustomError.

    Case is kept; the server compares addresses case-insensitively.
    """
    email = value.strip()
    if len(email) > MAX_EMAIL_LENGTH:
        raise PydanticCustomError("email_too_long", "Must be at most 254 characters")
    if _EMAIL.fullmatch(email) is None:
        raise PydanticCustomError("email_invalid", "Must be an email address like name@example.com")
    return email


Email = Annotated[
    str,
    AfterValidator(clean_email),
    Field(description="An email address; compared case-insensitively.",
          json_schema_extra={"pattern": rf"^\s*{EMAIL_PATTERN}\s*$",
                             "maxLength": MAX_EMAIL_LENGTH}),
]

_STRICT_INPUT = ConfigDict(strict=True, extra="forbid")


def _document_nulls(schema: dict[str, Any]) -> None:
    """Document null as accepted only in ``NULLABLE_UPDATE_FIELDS``.

    Update models type every field as optional, so Pydantic documents each as nullable;
    ``read_json_body`` rejects null everywhere else.
    """
    for name, field_schema in schema.get("properties", {}).items():
        choices = field_schema.get("anyOf")
        if name in NULLABLE_UPDATE_FIELDS or choices is None:
            continue
        kept = [choice for choice in choices if choice != {"type": "null"}]
        del field_schema["anyOf"]
        field_schema.pop("default", None)
        if len(kept) == 1:
            field_schema.update(kept[0])
        else:
            field_schema["anyOf"] = kept


_STRICT_UPDATE = ConfigDict(strict=True, extra="forbid", json_schema_extra=_document_nulls)

# Fields of an update body that may be null; null in any other field is an error.
NULLABLE_UPDATE_FIELDS = frozenset({"external_id", "description"})

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

    model_config = _STRICT_UPDATE

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
    model_config = _STRICT_UPDATE

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

