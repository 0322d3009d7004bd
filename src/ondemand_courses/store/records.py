"""Rows as the services see them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class OrganizationRecord:
    id: str
    name: str
    api_key_hash: str
    created_at: int


@dataclass(frozen=True, slots=True)
class ClassRecord:
    id: str
    name: str
    description: str | None
    created_at: int


class CourseRecord(NamedTuple):
    """A course row. A NamedTuple, not a frozen dataclass: whole-list responses build one
    per course, and a frozen dataclass's __init__ costs about four times as much."""

    id: str
    class_id: str
    name: str
    external_id: str | None
    days_limit: int
    activity_hours_limit: int
    public_access_token: str
    status: str


@dataclass(frozen=True, slots=True)
class EnrollmentRecord:
    """One learner's enrollment in a course; timestamps are epoch milliseconds."""

    id: str
    org_id: str
    course_id: str
    email: str
    status: str
    enrolled_at: int
    started_at: int | None = None
    end_date: int | None = None
    first_activity: int | None = None
    paused_at: int | None = None
    stopped_at: int | None = None
    expired_at: int | None = None
    finished_at: int | None = None
    inactivated_at: int | None = None
    active_ms: int = 0
    last_heartbeat_at: int | None = None
    activity_limit_ms: int | None = None
