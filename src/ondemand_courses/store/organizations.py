"""Queries on organizations."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, func, insert, select, update

from ondemand_courses.store.records import OrganizationRecord
from ondemand_courses.store.tables import organizations

_COLUMNS = (organizations.c.id, organizations.c.name, organizations.c.api_key_hash,
            organizations.c.created_at)
# Built once, because authentication runs it on most requests.
_FIND_ORGANIZATION = select(*_COLUMNS).where(organizations.c.id == bindparam("org_id"))


def insert_organization(connection: Connection, record: OrganizationRecord) -> None:
    connection.execute(insert(organizations).values(
        id=record.id, name=record.name, api_key_hash=record.api_key_hash,
        created_at=record.created_at,
    ))


def find_organization(connection: Connection, org_id: str) -> OrganizationRecord | None:
    row = connection.execute(_FIND_ORGANIZATION, {"org_id": org_id}).first()
    return None if row is None else OrganizationRecord(*row)


def list_organizations(connection: Connection) -> list[OrganizationRecord]:
    rows = connection.execute(select(*_COLUMNS).order_by(organizations.c.seq))
    return [OrganizationRecord(*row) for row in rows]


def lock_organizations(connection: Connection) -> None:
    """Make concurrent first-organization checks wait for each other until commit.

    PostgreSQL locks the table against other such locks and against inserts; SQLite
    needs nothing, because a write transaction there holds the database's write lock.
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE organizations IN SHARE ROW EXCLUSIVE MODE")


def count_organizations(connection: Connection) -> int:
    return connection.execute(select(func.count()).select_from(organizations)).scalar_one()


def set_api_key_hash(connection: Connection, org_id: str, api_key_hash: str) -> bool:
    result = connection.execute(
        update(organizations).where(organizations.c.id == org_id)
        .values(api_key_hash=api_key_hash)
    )
    return result.rowcount == 1
