"""Courses: the rules of the seed's course resource."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from ondemand_courses import ids
from ondemand_courses.clock import Clock
from ondemand_courses.errors import ClassNotFound, CourseHasRunningEnrollments, CourseNotFound
from ondemand_courses.schemas import CourseCreate, CourseUpdate
from ondemand_courses.services.pages import Page, PageRequest, read_page
from ondemand_courses.store import classes as class_store
from ondemand_courses.store import courses as store
from ondemand_courses.store import enrollments as enrollment_store
from ondemand_courses.store.constraints import is_foreign_key_violation
from ondemand_courses.store.database import Database
from ondemand_courses.store.records import CourseRecord


@contextmanager
def _class_must_exist(class_id: str | None) -> Iterator[None]:
    """Report a class deleted by a concurrent transaction as ClassNotFound.

    The class lookup before the write can find the class while, on PostgreSQL, another
    transaction deletes it before this one commits. The foreign key then fails the write.
    """
    try:
        yield
    except IntegrityError as error:
        if is_foreign_key_violation(error):
            raise ClassNotFound(class_id, body_field="class_id") from None
        raise


class CourseService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    def list_in_batches(self, org_id: str, batch_size: int) -> Iterator[list[CourseRecord]]:
        """Yield every course of the organization, oldest first, in non-empty batches.

        Each batch is read in its own short transaction, so no database connection is held
        while the caller sends a batch. A course created or deleted meanwhile may or may not
        be included, as with consecutive pages.
        """
        after_seq = 0
        while True:
            with self._database.read() as connection:
                found = store.list_courses_after(connection, org_id, after_seq, batch_size)
            if not found:
                return
            yield [course for _, course in found]
            if len(found) < batch_size:
                return
            after_seq = found[-1][0]

    def list(self, org_id: str, page: PageRequest | None) -> Page[CourseRecord]:
        with self._database.read() as connection:
            return read_page(
                page,
                lambda: store.count_courses(connection, org_id),
                lambda offset, limit: store.list_courses(connection, org_id, offset=offset,
                                                         limit=limit),
            )

    def get(self, org_id: str, course_id: str) -> CourseRecord:
        with self._database.read() as connection:
            found = store.find_course(connection, org_id, course_id)
        if found is None:
            raise CourseNotFound(course_id)
        return found

    def create(self, org_id: str, body: CourseCreate) -> CourseRecord:
        record = CourseRecord(
            id=ids.new_id(), class_id=body.class_id, name=body.name,
            external_id=body.external_id, days_limit=body.days_limit,
            activity_hours_limit=body.activity_hours_limit,
            public_access_token=ids.new_access_token(), status=body.status,
        )
        with _class_must_exist(body.class_id), self._database.write() as connection:
            if not store.insert_course_of_class(connection, org_id, record,
                                                self._clock.now_ms()):
                raise ClassNotFound(body.class_id, body_field="class_id")
        return record

    def update(self, org_id: str, course_id: str, body: CourseUpdate) -> CourseRecord:
        changes = body.model_dump(exclude_unset=True)
        with _class_must_exist(changes.get("class_id")), self._database.write() as connection:
            if store.lock_course(connection, org_id, course_id) is None:
                raise CourseNotFound(course_id)
            new_class_id = changes.get("class_id")
            if new_class_id is not None and class_store.find_class(
                    connection, org_id, new_class_id) is None:
                raise ClassNotFound(new_class_id, body_field="class_id")
            if changes:
                store.update_course(connection, org_id, course_id, changes, self._clock.now_ms())
            updated = store.find_course(connection, org_id, course_id)
        assert updated is not None, "the course row is locked by this transaction"
        return updated

    def delete(self, org_id: str, course_id: str) -> None:
        """Delete the course and its enrollments, unless one of them is running."""
        with self._database.write() as connection:
            if store.lock_course(connection, org_id, course_id) is None:
                raise CourseNotFound(course_id)
            # An enrollment past its end date reads as expired, so it must not block.
            enrollment_store.expire_due_enrollments(connection, course_id, self._clock.now_ms())
            if not store.delete_course_without_running_enrollments(connection, org_id, course_id):
                raise CourseHasRunningEnrollments()
