"""Database engine, transactions and schema migrations."""

from __future__ import annotations

import itertools
import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

logger = logging.getLogger(__name__)

# How long a SQLite writer waits for another process's write lock before failing.
SQLITE_BUSY_TIMEOUT_MS = 30_000


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer version of this server."""


def normalize_url(url: str) -> str:
    """Select psycopg 3 for ``postgresql://`` URLs, which SQLAlchemy maps to psycopg2.

    Raises ArgumentError for an in-memory SQLite database: every connection would see its
    own empty database, and nothing would outlive the process.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise ArgumentError(f"in-memory SQLite is not supported: {url}; use sqlite:///PATH")
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit in the driver, so that BEGIN below is the only transaction control.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit that was acknowledged survives a power loss, not only a crash.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A deferred transaction that later writes cannot wait for the lock (SQLite returns
        # SQLITE_BUSY at once), so writers take the write lock when they begin.
        # Sent through the driver: SQLAlchemy's execute path would double the cost of a read.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.connection.dbapi_connection.execute(f"BEGIN {mode}")  # type: ignore[union-attr]


class _ThreadReader:
    """One thread's SQLite connection for reads, closed when the thread ends."""

    _next_serial = itertools.count()

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.serial = next(self._next_serial)

    def __del__(self) -> None:
        # Thread pool threads end after a while idle; their connection goes with them.
        self.connection.close()


class Database:
    """The engine and the one place where transactions begin and commit."""

    def __init__(self, url: str) -> None:
        self.url = normalize_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        self.engine = create_engine(self.url, pool_pre_ping=not self.is_sqlite)
        # Connections that threads keep for their reads on SQLite, outside the pool, so that
        # they never use up the pool that writers check connections out of.
        self._read_engine = create_engine(self.url, poolclass=NullPool)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
            _configure_sqlite(self._read_engine)
        self._write_lock = threading.Lock()
        self._readers = threading.local()
        self._all_readers: weakref.WeakSet[_ThreadReader] = weakref.WeakSet()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """Yield a connection inside a read transaction."""
        if not self.is_sqlite:
            with self.engine.connect() as connection, connection.begin():
                yield connection
            return
        connection = self._thread_reader().connection
        with connection.begin():
            yield connection

    def _thread_reader(self) -> _ThreadReader:
        # On SQLite each thread keeps one connection open for its reads: a pool checkout and
        # checkin cost as much as reading one course.
        reader: _ThreadReader | None = getattr(self._readers, "reader", None)
        if reader is None or reader.connection.closed:
            reader = _ThreadReader(self._read_engine.connect())
            self._readers.reader = reader
            self._all_readers.add(reader)
        return reader

    def change_version(self) -> tuple[int, int] | None:
        """Return a value that changes whenever a transaction that wrote commits, on SQLite.

        The value is only comparable with others read by the same thread. It comes from
        ``PRAGMA data_version`` on the thread's read connection, which never writes, so it
        counts the commits of every other connection, in this process or another. Returns
        None on PostgreSQL.
        """
        if not self.is_sqlite:
            return None
        reader = self._thread_reader()
        driver_connection = reader.connection.connection.dbapi_connection
        assert driver_connection is not None
        (version,) = driver_connection.execute("PRAGMA data_version").fetchone()
        return reader.serial, version

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """Yield a connection inside a transaction that commits when the block ends."""
        if not self.is_sqlite:
            with self.engine.connect() as connection, connection.begin():
                yield connection
            return
        # SQLite lets one writer at a time in, and its default busy handler makes the others
        # sleep and retry, up to 100 ms between tries, so the write lock would often sit free
        # while they sleep. The writers of this process queue on a lock instead, which wakes
        # the next one as soon as the lock is released, so only one of them at a time waits
        # in SQLite for the writers of other processes.
        with self._write_lock, self.engine.connect() as connection:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                yield connection

    def dispose(self) -> None:
        for reader in list(self._all_readers):
            reader.connection.close()
        self.engine.dispose()
        self._read_engine.dispose()


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    location = resources.files("ondemand_courses.store") / "migrations"
    config.set_main_option("script_location", str(location))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """Return the newest schema revision among the migrations of this version."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def migrate(database: Database) -> None:
    """Bring the schema up to date, or raise SchemaTooNew if the database is ahead."""
    config = _alembic_config()
    script = ScriptDirectory.from_config(config)
    with database.write() as connection:
        if not database.is_sqlite:
            # Servers starting together against one PostgreSQL migrate one at a time.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7142003)")
        current = MigrationContext.configure(connection).get_current_heads()
        known = {revision.revision for revision in script.walk_revisions()}
        unknown = [revision for revision in current if revision not in known]
        if unknown:
            raise SchemaTooNew(
                f"The database is at schema revision {', '.join(unknown)}, which this version "
                "of ondemand-courses does not know; upgrade the server."
            )
        head = script.get_current_head()
        if head in current:
            return
        logger.info("Migrating database schema from %s to %s", current or "empty", head)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
