"""Enrollments through the API: enroll, list, read, change status, delete.

The lifecycle rules themselves are in ``services.lifecycle``. Every method here reads
rows as of the clock, so an overdue enrollment reads as expired, and writes store it.
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from ondemand_courses import ids
from ondemand_courses.clock import Clock
from ondemand_courses.errors import (
    CourseNotFound,
    EnrollmentAlreadyExists,
    EnrollmentNotFound,
    EnrollmentNotInEnrolledState,
    InvalidStatusTransition,
)
from ondemand_courses.services import lifecycle
from ondemand_courses.services.lifecycle import EnrollmentState
from ondemand_courses.services.pages import Page, PageRequest, read_page
from ondemand_courses.store import courses as course_store
from ondemand_courses.store import enrollments as store
from ondemand_courses.store.constraints import is_foreign_key_violation, is_unique_violation
from ondemand_courses.store.database import Database
from ondemand_courses.store.enrollments import EnrollmentFilter
from ondemand_courses.store.records import EnrollmentRecord


class EnrollmentService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    def list(self, org_id: str, course_id: str, page: PageRequest | None,
             where: EnrollmentFilter) -> Page[EnrollmentState]:
        now_ms = self._clock.now_ms()
        with self._database.read() as connection:
            if course_store.find_course(connection, org_id, course_id) is None:
                raise CourseNotFound(course_id)
            found = read_page(
                page,
                lambda: store.count_enrollments(connection, org_id, course_id, where, now_ms),
                lambda offset, limit: store.list_enrollments(
                    connection, org_id, course_id, where, now_ms, offset=offset, limit=limit),
            )
        return Page(items=_states(found.items, now_ms), metadata=found.metadata)

    def get(self, org_id: str, course_id: str, enrollment_id: str) -> EnrollmentState:
        now_ms = self._clock.now_ms()
        with self._database.read() as connection:
            found = _find(connection, org_id, course_id, enrollment_id)
        return lifecycle.state_of(found, now_ms)

    def enroll(self, org_id: str, course_id: str, email: str) -> EnrollmentState:
        """Enroll the email in the course; one enrollment per email and course."""
        now_ms = self._clock.now_ms()
        record = EnrollmentRecord(id=ids.new_id(), org_id=org_id, course_id=course_id,
                                  email=email, status="enrolled", enrolled_at=now_ms)
        try:
            with self._database.write() as connection:
                # The course lock orders this insert after a concurrent delete of the course.
                if course_store.lock_course(connection, org_id, course_id) is None:
                    raise CourseNotFound(course_id)
                if store.find_enrollment_by_email(connection, org_id, course_id,
                                                  email) is not None:
                    raise EnrollmentAlreadyExists()
                store.insert_enrollment(connection, record)
        except IntegrityError as error:
            # The lock and the check above decide every case seen so far; the unique
            # constraint on (course_id, email_key) is the database's last word.
            if is_unique_violation(error):
                raise EnrollmentAlreadyExists() from None
            if is_foreign_key_violation(error):
                raise CourseNotFound(course_id) from None
            raise
        return lifecycle.state_of(record, now_ms)

    def change_status(self, org_id: str, course_id: str, enrollment_id: str,
                      target: str) -> EnrollmentState:
        """Move the enrollment to ``target`` along ``lifecycle.PATCH_TRANSITIONS``."""
        now_ms = self._clock.now_ms()
        with self._database.write() as connection:
            stored = _find(connection, org_id, course_id, enrollment_id, lock=True)
            current = lifecycle.as_of(stored, now_ms)
            if not lifecycle.can_patch(current.status, target):
                raise InvalidStatusTransition(
                    f"An enrollment in status '{current.status}' cannot move to '{target}'."
                )
            moved = lifecycle.move_to(current, target, now_ms)
            changes = lifecycle.changes_between(stored, moved)
            if changes:
                store.update_enrollment(connection, enrollment_id, changes)
        return lifecycle.state_of(moved, now_ms)

    def delete(self, org_id: str, course_id: str, enrollment_id: str) -> None:
        """Delete the enrollment if it has not started."""
        now_ms = self._clock.now_ms()
        with self._database.write() as connection:
            found = _find(connection, org_id, course_id, enrollment_id, lock=True)
            status = lifecycle.as_of(found, now_ms).status
            if status != "enrolled":
                raise EnrollmentNotInEnrolledState(
                    f"Only enrollments in status 'enrolled' can be deleted; "
                    f"this one is '{status}'."
                )
            store.delete_enrollment(connection, enrollment_id)


def _find(connection: Connection, org_id: str, course_id: str, enrollment_id: str, *,
          lock: bool = False) -> EnrollmentRecord:
    """Find the enrollment, telling an unknown course apart from an unknown enrollment."""
    found = store.find_enrollment(connection, org_id, course_id, enrollment_id, lock=lock)
    if found is not None:
        return found
    if course_store.find_course(connection, org_id, course_id) is None:
        raise CourseNotFound(course_id)
    raise EnrollmentNotFound(enrollment_id)


def _states(records: list[EnrollmentRecord], now_ms: int) -> list[EnrollmentState]:
    return [lifecycle.state_of(record, now_ms) for record in records]
