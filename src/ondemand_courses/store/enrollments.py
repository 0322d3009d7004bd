"""Queries on enrollments, always within one course."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from ondemand_courses.store.records import EnrollmentRecord
from ondemand_courses.store.tables import enrollments

RUNNING_STATUSES = ("started", "paused")

_COLUMNS = (
    enrollments.c.id, enrollments.c.org_id, enrollments.c.course_id, enrollments.c.email,
    enrollments.c.status, enrollments.c.enrolled_at, enrollments.c.started_at,
    enrollments.c.end_date, enrollments.c.first_activity, enrollments.c.paused_at,
    enrollments.c.stopped_at, enrollments.c.expired_at, enrollments.c.finished_at,
    enrollments.c.inactivated_at, enrollments.c.active_ms, enrollments.c.last_heartbeat_at,
    enrollments.c.activity_limit_ms,
)


@dataclass(frozen=True)
class EnrollmentFilter:
    """List filters: one email (compared case-insensitively) and any of several statuses."""

    email: str | None = None
    statuses: Collection[str] | None = None


def _overdue(now_ms: int) -> ColumnElement[bool]:
    """Running enrollments past their end date."""
    return and_(enrollments.c.status.in_(RUNNING_STATUSES), enrollments.c.end_date <= now_ms)


def _used_up() -> ColumnElement[bool]:
    """Started enrollments whose active time has reached their limit."""
    return and_(enrollments.c.status == "started",
                enrollments.c.active_ms >= enrollments.c.activity_limit_ms)


def effective_status(now_ms: int) -> ColumnElement[str]:
    """Compute the status as of ``now_ms`` in SQL, as ``services.lifecycle.as_of`` does."""
    return case((or_(_overdue(now_ms), _used_up()), "expired"), else_=enrollments.c.status)


def insert_enrollment(connection: Connection, record: EnrollmentRecord) -> None:
    connection.execute(insert(enrollments).values(
        id=record.id, org_id=record.org_id, course_id=record.course_id, email=record.email,
        email_key=email_key(record.email), status=record.status,
        enrolled_at=record.enrolled_at,
    ))


def email_key(email: str) -> str:
    """Return the form in which emails are compared: case-insensitively."""
    return email.lower()


def _select_in_course(org_id: str, course_id: str) -> Select[Any]:
    return select(*_COLUMNS).where(enrollments.c.org_id == org_id,
                                   enrollments.c.course_id == course_id)


def find_enrollment(connection: Connection, org_id: str, course_id: str,
                    enrollment_id: str, *, lock: bool = False) -> EnrollmentRecord | None:
    """Find the enrollment; with ``lock``, hold its row lock until the transaction ends."""
    query = _select_in_course(org_id, course_id).where(enrollments.c.id == enrollment_id)
    if lock:
        query = query.with_for_update()
    row = connection.execute(query).first()
    return None if row is None else EnrollmentRecord(*row)


def find_enrollment_by_email(connection: Connection, org_id: str, course_id: str,
                             email: str) -> EnrollmentRecord | None:
    query = _select_in_course(org_id, course_id).where(
        enrollments.c.email_key == email_key(email))
    row = connection.execute(query.with_for_update()).first()
    return None if row is None else EnrollmentRecord(*row)


def find_enrollment_by_learner_token(connection: Connection, course_id: str,
                                     token_hash: str, *,
                                     lock: bool = False) -> EnrollmentRecord | None:
    query = select(*_COLUMNS).where(enrollments.c.course_id == course_id,
                                    enrollments.c.learner_token_hash == token_hash)
    if lock:
        query = query.with_for_update()
    row = connection.execute(query).first()
    return None if row is None else EnrollmentRecord(*row)


def _filtered(query: Select[Any], where: EnrollmentFilter, now_ms: int) -> Select[Any]:
    if where.email is not None:
        query = query.where(enrollments.c.email_key == email_key(where.email))
    if where.statuses is not None:
        query = query.where(effective_status(now_ms).in_(sorted(where.statuses)))
    return query


def count_enrollments(connection: Connection, org_id: str, course_id: str,
                      where: EnrollmentFilter, now_ms: int) -> int:
    query = select(func.count()).select_from(enrollments).where(
        enrollments.c.org_id == org_id, enrollments.c.course_id == course_id)
    query = _filtered(query, where, now_ms)
    return connection.execute(query).scalar_one()


def list_enrollments(connection: Connection, org_id: str, course_id: str,
                     where: EnrollmentFilter, now_ms: int, *, offset: int = 0,
                     limit: int | None = None) -> list[EnrollmentRecord]:
    """List the course's enrollments that match ``where`` as of ``now_ms``, oldest first."""
    query = _filtered(_select_in_course(org_id, course_id), where, now_ms)
    query = query.order_by(enrollments.c.seq).offset(offset).limit(limit)
    return [EnrollmentRecord(*row) for row in connection.execute(query)]


def update_enrollment(connection: Connection, enrollment_id: str,
                      changes: dict[str, Any]) -> None:
    connection.execute(
        update(enrollments).where(enrollments.c.id == enrollment_id).values(**changes)
    )


def delete_enrollment(connection: Connection, enrollment_id: str) -> None:
    connection.execute(delete(enrollments).where(enrollments.c.id == enrollment_id))


def expire_due_enrollments(connection: Connection, course_id: str, now_ms: int) -> None:
    """Store the expiry of the course's enrollments that are due as of ``now_ms``.

    Reads already show such enrollments as expired; a write that depends on whether an
    enrollment is running (deleting the course) stores it first.
    """
    in_course = enrollments.c.course_id == course_id
    connection.execute(
        update(enrollments).where(in_course, _used_up())
        .values(status="expired", expired_at=func.coalesce(enrollments.c.last_heartbeat_at,
                                                           enrollments.c.started_at))
    )
    connection.execute(
        update(enrollments).where(in_course, _overdue(now_ms))
        .values(status="expired", expired_at=enrollments.c.end_date)
    )
