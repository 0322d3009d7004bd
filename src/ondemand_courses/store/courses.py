"""Queries on courses, always within one organization."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, cast, delete, exists, func, insert, select, update

from ondemand_courses.store.records import CourseRecord
from ondemand_courses.store.tables import classes, courses, enrollments

# Statuses of an enrollment that is running: its course cannot be deleted.
RUNNING_STATUSES = ("started", "paused")

_COLUMNS = (
    courses.c.id, courses.c.class_id, courses.c.name, courses.c.external_id,
    courses.c.days_limit, courses.c.activity_hours_limit, courses.c.public_access_token,
    courses.c.status,
)

# Built once: building a statement and its cache key costs more than running it on SQLite.
_FIND_COURSE = select(*_COLUMNS).where(courses.c.org_id == bindparam("org_id"),
                                       courses.c.id == bindparam("course_id"))
_INSERTED_COLUMNS = (
    "id", "name", "external_id", "days_limit", "activity_hours_limit", "public_access_token",
    "status", "created_at", "updated_at",
)
# The class lookup and the insert in one statement: the course row is built from the class
# row that belongs to the organization, so no row is inserted when there is none.
_INSERT_COURSE_OF_CLASS = insert(courses).from_select(
    ["org_id", "class_id", *_INSERTED_COLUMNS],
    select(classes.c.org_id, classes.c.id,
           *(cast(bindparam(name), courses.c[name].type) for name in _INSERTED_COLUMNS))
    .where(classes.c.org_id == bindparam("org_id"), classes.c.id == bindparam("class_id")),
).returning(courses.c.seq)  # rowcount of an INSERT is not reported by every driver


def insert_course_of_class(connection: Connection, org_id: str, record: CourseRecord,
                           now_ms: int) -> bool:
    """Insert the course if its class exists in the organization; return whether it did."""
    result = connection.execute(_INSERT_COURSE_OF_CLASS, {
        "id": record.id, "org_id": org_id, "class_id": record.class_id, "name": record.name,
        "external_id": record.external_id, "days_limit": record.days_limit,
        "activity_hours_limit": record.activity_hours_limit,
        "public_access_token": record.public_access_token, "status": record.status,
        "created_at": now_ms, "updated_at": now_ms,
    })
    return result.first() is not None


def find_course(connection: Connection, org_id: str, course_id: str) -> CourseRecord | None:
    row = connection.execute(_FIND_COURSE, {"org_id": org_id, "course_id": course_id}).first()
    return None if row is None else CourseRecord(*row)


def lock_course(connection: Connection, org_id: str, course_id: str) -> CourseRecord | None:
    """Find the course and lock its row until the transaction ends.

    PostgreSQL takes a row lock; SQLite has no row locks and needs none, because a write
    transaction there holds the database's write lock from its start.
    """
    row = connection.execute(
        select(*_COLUMNS).where(courses.c.org_id == org_id, courses.c.id == course_id)
        .with_for_update()
    ).first()
    return None if row is None else CourseRecord(*row)


def count_courses(connection: Connection, org_id: str) -> int:
    query = select(func.count()).select_from(courses).where(courses.c.org_id == org_id)
    return connection.execute(query).scalar_one()


def list_courses(connection: Connection, org_id: str, *, offset: int = 0,
                 limit: int | None = None) -> list[CourseRecord]:
    query = (select(*_COLUMNS).where(courses.c.org_id == org_id).order_by(courses.c.seq)
             .offset(offset).limit(limit))
    return [CourseRecord(*row) for row in connection.execute(query)]


def list_courses_after(connection: Connection, org_id: str, after_seq: int,
                       limit: int) -> list[tuple[int, CourseRecord]]:
    """Return up to ``limit`` courses inserted after the one at ``after_seq``, with their seq."""
    query = (select(courses.c.seq, *_COLUMNS)
             .where(courses.c.org_id == org_id, courses.c.seq > after_seq)
             .order_by(courses.c.seq).limit(limit))
    # all() fetches the rows in one driver call; iterating the result fetches one at a time.
    rows = connection.execute(query).all()
    return [(row[0], CourseRecord._make(row[1:])) for row in rows]


def update_course(connection: Connection, org_id: str, course_id: str,
                  changes: dict[str, Any], now_ms: int) -> bool:
    result = connection.execute(
        update(courses).where(courses.c.org_id == org_id, courses.c.id == course_id)
        .values(**changes, updated_at=now_ms)
    )
    return result.rowcount == 1


def delete_course_without_running_enrollments(connection: Connection, org_id: str,
                                              course_id: str) -> bool:
    """Delete the course unless an enrollment of it is running; return whether it went.

    The check and the delete are one statement, and the caller holds the course's row
    lock (``lock_course``), which a learner's start also takes, so that no enrollment
    starts between them. The course's other enrollments go with it (ON DELETE CASCADE).
    """
    running = exists().where(
        enrollments.c.course_id == courses.c.id,
        enrollments.c.status.in_(RUNNING_STATUSES),
    )
    result = connection.execute(
        delete(courses).where(courses.c.org_id == org_id, courses.c.id == course_id, ~running)
    )
    return result.rowcount == 1


def find_course_in_any_organization(connection: Connection,
                                    course_id: str) -> tuple[str, CourseRecord] | None:
    """Find a course by id alone, for the learner pages; return its organization id too."""
    row = connection.execute(
        select(courses.c.org_id, *_COLUMNS).where(courses.c.id == course_id)
    ).first()
    return None if row is None else (row[0], CourseRecord(*row[1:]))
