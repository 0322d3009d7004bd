"""Table definitions; the Alembic migrations create exactly these.

Every table has an integer ``seq`` primary key that gives insertion order (lists are
oldest first) and a public 17-character ``id``. Timestamps are UTC milliseconds since
the Unix epoch, which compare and sort the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite assigns rowids only to a column declared exactly INTEGER PRIMARY KEY.
SequenceKey = BigInteger().with_variant(Integer(), "sqlite")

organizations = Table(
    "organizations",
    metadata,
    Column("seq", SequenceKey, primary_key=True, autoincrement=True),
    Column("id", String(17), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("api_key_hash", String(64), nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

classes = Table(
    "classes",
    metadata,
    Column("seq", SequenceKey, primary_key=True, autoincrement=True),
    Column("id", String(17), nullable=False, unique=True),
    Column("org_id", String(17), ForeignKey("organizations.id", ondelete="CASCADE"),
           nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Index(None, "org_id", "seq"),
)

courses = Table(
    "courses",
    metadata,
    Column("seq", SequenceKey, primary_key=True, autoincrement=True),
    Column("id", String(17), nullable=False, unique=True),
    Column("org_id", String(17), ForeignKey("organizations.id", ondelete="CASCADE"),
           nullable=False),
    # RESTRICT: a class that a course is based on cannot be deleted.
    Column("class_id", String(17), ForeignKey("classes.id", ondelete="RESTRICT"),
           nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("external_id", String(200), nullable=True),
    Column("days_limit", Integer, nullable=False),
    Column("activity_hours_limit", Integer, nullable=False),
    Column("public_access_token", String(4), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index(None, "org_id", "seq"),
)

enrollments = Table(
    "enrollments",
    metadata,
    Column("seq", SequenceKey, primary_key=True, autoincrement=True),
    Column("id", String(17), nullable=False, unique=True),
    Column("org_id", String(17), nullable=False),
    Column("course_id", String(17), ForeignKey("courses.id", ondelete="CASCADE"),
           nullable=False),
    Column("email", String(320), nullable=False),
    # Lower-cased email: one enrollment per learner and course, compared case-insensitively.
    Column("email_key", String(320), nullable=False),
    Column("status", String(16), nullable=False),
    Column("enrolled_at", BigInteger, nullable=False),
    Column("started_at", BigInteger, nullable=True),
    Column("end_date", BigInteger, nullable=True),
    Column("first_activity", BigInteger, nullable=True),
    Column("paused_at", BigInteger, nullable=True),
    Column("stopped_at", BigInteger, nullable=True),
    Column("expired_at", BigInteger, nullable=True),
    Column("finished_at", BigInteger, nullable=True),
    Column("inactivated_at", BigInteger, nullable=True),
    Column("active_ms", BigInteger, nullable=False, server_default="0"),
    Column("last_heartbeat_at", BigInteger, nullable=True),
    # The activity limit in force when the enrollment started: like end_date, a later
    # change of the course's activity_hours_limit does not move it.
    Column("activity_limit_ms", BigInteger, nullable=True),
    # SHA-256 of the random token in the learner's cookie, which recognises the learner
    # on later page loads and heartbeats.
    Column("learner_token_hash", String(64), nullable=True, unique=True),
    UniqueConstraint("course_id", "email_key"),
    Index(None, "course_id", "seq"),
    Index(None, "course_id", "status"),
)
