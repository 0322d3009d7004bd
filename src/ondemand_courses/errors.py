"""The closed catalogue of API errors.

Every failure the API reports is one of these classes; its name is the ``type`` of the
failure envelope and ``status_code`` its HTTP status. Services raise them, and one
handler in ``api.errors`` turns them into responses.

    ApiError
    ├── InvalidCredentials                 401
    ├── CourseNotFound, ClassNotFound,
    │   EnrollmentNotFound, NotFound       404
    ├── MethodNotAllowed                   405
    ├── CourseHasRunningEnrollments,
    │   ClassInUse, EnrollmentAlreadyExists,
    │   EnrollmentNotInEnrolledState,
    │   InvalidStatusTransition            409
    ├── RequestTimeout                     408
    ├── PayloadTooLarge                    413
    ├── UnsupportedMediaType               415
    ├── RequestValidationError             422
    ├── TooManyRequests                    429
    ├── RequestHeaderFieldsTooLarge        431
    └── InternalServerError                500
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

ErrorLocation = Literal["body", "query", "path", "header"]


@dataclass(frozen=True)
class FieldError:
    """One problem of an invalid request: where it is and what is wrong."""

    location: ErrorLocation
    param: str
    msg: str


class ApiError(Exception):
    status_code: ClassVar[int] = 500
    default_message: ClassVar[str] = "The request failed."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)

    @property
    def type(self) -> str:
        return type(self).__name__


class InvalidCredentials(ApiError):
    """Missing, malformed or wrong credentials; the message never states which half is wrong."""

    status_code = 401
    default_message = "Invalid credentials: the organization id or the API key is wrong."
    missing_message = (
        "Missing credentials: send the header 'Authorization: Bearer ORG_ID:API_KEY'."
    )
    malformed_message = (
        "Malformed Authorization header: expected 'Bearer ORG_ID:API_KEY'."
    )


class ResourceNotFound(ApiError):
    """Base of the not-found errors of one resource; the message names the requested id."""

    status_code = 404
    resource: ClassVar[str] = "Resource"
    shown_id_length: ClassVar[int] = 40

    def __init__(self, resource_id: str | None = None, *, body_field: str | None = None) -> None:
        message = None
        if resource_id is not None:
            shown = resource_id[: self.shown_id_length]
            if len(resource_id) > self.shown_id_length:
                shown += "..."
            where = f" (body '{body_field}')" if body_field else ""
            message = f"{self.resource} '{shown}'{where} not found."
        super().__init__(message)


class CourseNotFound(ResourceNotFound):
    resource = "Course"
    default_message = "Course not found."


class ClassNotFound(ResourceNotFound):
    resource = "Class"
    default_message = "Class not found."


class EnrollmentNotFound(ResourceNotFound):
    resource = "Enrollment"
    default_message = "Enrollment not found."


class NotFound(ApiError):
    status_code = 404
    default_message = "No such route."


class MethodNotAllowed(ApiError):
    status_code = 405
    default_message = "Method not allowed on this route."


class CourseHasRunningEnrollments(ApiError):
    status_code = 409
    default_message = (
        "The course has running (started or paused) enrollments; stop or expire them first."
    )


class ClassInUse(ApiError):
    status_code = 409
    default_message = "The class is in use by at least one course; delete those courses first."


class EnrollmentAlreadyExists(ApiError):
    status_code = 409
    default_message = "This email is already enrolled in the course."


class EnrollmentNotInEnrolledState(ApiError):
    status_code = 409
    default_message = "Only enrollments that have not started can be deleted."


class InvalidStatusTransition(ApiError):
    status_code = 409
    default_message = "The enrollment cannot move to that status."


class RequestTimeout(ApiError):
    status_code = 408
    default_message = "The request body did not arrive in time; send it again."


class PayloadTooLarge(ApiError):
    status_code = 413
    default_message = "The request body is too large."


class UnsupportedMediaType(ApiError):
    status_code = 415
    default_message = "The request body must be JSON: send 'Content-Type: application/json'."


class RequestValidationError(ApiError):
    status_code = 422
    default_message = "The request is invalid."

    def __init__(self, errors: list[FieldError], message: str | None = None) -> None:
        self.errors = errors
        if message is None:
            named = ", ".join(f"{error.location} '{error.param}'" if error.param
                              else error.location for error in errors)
            message = f"Invalid request: see errors ({named})."
        super().__init__(message)


class TooManyRequests(ApiError):
    status_code = 429
    default_message = "Rate limit exceeded; retry after the number of seconds in Retry-After."

    def __init__(self, retry_after_seconds: int, message: str | None = None) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(message)


class RequestHeaderFieldsTooLarge(ApiError):
    status_code = 431
    default_message = "The request headers are too large."


class InternalServerError(ApiError):
    status_code = 500
    default_message = "Internal server error."
