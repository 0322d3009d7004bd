"""Schema migrations on a real database of each backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from ondemand_courses.store.database import Database, SchemaTooNew, migrate
from ondemand_courses.store.tables import metadata


def test_empty_database_is_migrated(database_url: str) -> None:
    database = Database(database_url)

    migrate(database)

    tables = set(inspect(database.engine).get_table_names())
    assert tables == {"alembic_version", "organizations", "classes", "courses", "enrollments"}
    database.dispose()


def test_migrate_twice_changes_nothing(database_url: str) -> None:
    database = Database(database_url)
    migrate(database)

    migrate(database)

    with database.read() as connection:
        versions = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    assert versions == [("0002",)]
    database.dispose()


def test_newer_schema_is_refused(database_url: str) -> None:
    database = Database(database_url)
    migrate(database)
    with database.write() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")

    with pytest.raises(SchemaTooNew, match="schema revision 9999"):
        migrate(database)
    database.dispose()


def test_sqlite_runs_in_wal_with_full_sync(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path}/pragmas.db")

    with database.read() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
        foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()

    assert journal == "wal"
    assert synchronous == 2
    assert foreign_keys == 1
    database.dispose()


def test_migrations_match_table_definitions(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path}/compare.db")
    migrate(database)

    with database.read() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, metadata)

    assert differences == []
    database.dispose()
