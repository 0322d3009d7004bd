"""Queries on classes, always within one organization."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, delete, exists, func, insert, select, update

from ondemand_courses.store.records import ClassRecord
from ondemand_courses.store.tables import classes, courses

_COLUMNS = (classes.c.id, classes.c.name, classes.c.description, classes.c.created_at)
# Built once, because every course create runs it.
_FIND_CLASS = select(*_COLUMNS).where(classes.c.org_id == bindparam("org_id"),
                                      classes.c.id == bindparam("class_id"))


def insert_class(connection: Connection, org_id: str, record: ClassRecord) -> None:
    connection.execute(insert(classes).values(
        id=record.id, org_id=org_id, name=record.name, description=record.description,
        created_at=record.created_at,
    ))


def find_class(connection: Connection, org_id: str, class_id: str) -> ClassRecord | None:
    row = connection.execute(_FIND_CLASS, {"org_id": org_id, "class_id": class_id}).first()
    return None if row is None else ClassRecord(*row)


def count_classes(connection: Connection, org_id: str) -> int:
    query = select(func.count()).select_from(classes).where(classes.c.org_id == org_id)
    return connection.execute(query).scalar_one()


def list_classes(connection: Connection, org_id: str, *, offset: int = 0,
                 limit: int | None = None) -> list[ClassRecord]:
    query = (select(*_COLUMNS).where(classes.c.org_id == org_id).order_by(classes.c.seq)
             .offset(offset).limit(limit))
    return [ClassRecord(*row) for row in connection.execute(query)]


def update_class(connection: Connection, org_id: str, class_id: str,
                 changes: dict[str, Any]) -> bool:
    result = connection.execute(
        update(classes).where(classes.c.org_id == org_id, classes.c.id == class_id)
        .values(**changes)
    )
    return result.rowcount == 1


def delete_unused_class(connection: Connection, org_id: str, class_id: str) -> bool:
    """Delete the class unless a course is based on it; return whether a row went."""
    in_use = exists().where(courses.c.class_id == classes.c.id)
    result = connection.execute(
        delete(classes).where(classes.c.org_id == org_id, classes.c.id == class_id, ~in_use)
    )
    return result.rowcount == 1
