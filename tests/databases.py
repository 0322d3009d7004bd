"""Test databases: a SQLite file always, and a PostgreSQL schema when one is configured.

Set ``ONDEMAND_TEST_POSTGRES_URL`` (for example ``postgresql://postgres@127.0.0.1:5432/test``)
to run every database test on PostgreSQL as well. Each use gets a new schema named
``test_<random hex>``, reached through the libpq ``options=-csearch_path=...`` URL
parameter, and only that schema is dropped afterwards: the database may be shared.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

POSTGRES_URL_VARIABLE = "ONDEMAND_TEST_POSTGRES_URL"

POSTGRES_URL = os.environ.get(POSTGRES_URL_VARIABLE, "")

# Test ids of the backends every database test runs on.
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def _libpq_url(url: str) -> str:
    """Return the URL without a SQLAlchemy driver suffix, as psycopg's connect expects."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


@contextmanager
def postgres_schema() -> Iterator[str]:
    """Create a new schema, yield a database URL whose connections use it, then drop it."""
    schema = f"test_{secrets.token_hex(6)}"
    admin_url = _libpq_url(POSTGRES_URL)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@contextmanager
def isolated_database_url(backend: str, folder: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database on the backend (``sqlite`` or ``postgresql``)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder}/ondemand.db"
        return
    with postgres_schema() as url:
        yield url
