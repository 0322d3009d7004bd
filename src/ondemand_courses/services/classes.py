"""Classes: the lab templates that courses are based on."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from ondemand_courses import ids
from ondemand_courses.clock import Clock
from ondemand_courses.errors import ClassInUse, ClassNotFound
from ondemand_courses.schemas import ClassCreate, ClassUpdate
from ondemand_courses.services.pages import Page, PageRequest, read_page
from ondemand_courses.store import classes as store
from ondemand_courses.store.constraints import is_foreign_key_violation
from ondemand_courses.store.database import Database
from ondemand_courses.store.records import ClassRecord


class ClassService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    def list(self, org_id: str, page: PageRequest | None) -> Page[ClassRecord]:
        with self._database.read() as connection:
            return read_page(
                page,
                lambda: store.count_classes(connection, org_id),
                lambda offset, limit: store.list_classes(connection, org_id, offset=offset,
                                                         limit=limit),
            )

    def get(self, org_id: str, class_id: str) -> ClassRecord:
        with self._database.read() as connection:
            found = store.find_class(connection, org_id, class_id)
        if found is None:
            raise ClassNotFound(class_id)
        return found

    def create(self, org_id: str, body: ClassCreate) -> ClassRecord:
        record = ClassRecord(id=ids.new_id(), name=body.name, description=body.description,
                             created_at=self._clock.now_ms())
        with self._database.write() as connection:
            store.insert_class(connection, org_id, record)
        return record

    def update(self, org_id: str, class_id: str, body: ClassUpdate) -> ClassRecord:
        changes = body.model_dump(exclude_unset=True)
        with self._database.write() as connection:
            if changes:
                store.update_class(connection, org_id, class_id, changes)
            found = store.find_class(connection, org_id, class_id)
        if found is None:
            raise ClassNotFound(class_id)
        return found

    def delete(self, org_id: str, class_id: str) -> None:
        """Delete the class unless a course is based on it.

        On PostgreSQL a course inserted by a concurrent transaction is invisible to the
        NOT EXISTS check, and the foreign key (ON DELETE RESTRICT) then rejects the delete.
        """
        try:
            with self._database.write() as connection:
                if store.delete_unused_class(connection, org_id, class_id):
                    return
                exists = store.find_class(connection, org_id, class_id) is not None
        except IntegrityError as error:
            if is_foreign_key_violation(error):
                raise ClassInUse() from None
            raise
        raise ClassInUse() if exists else ClassNotFound(class_id)
