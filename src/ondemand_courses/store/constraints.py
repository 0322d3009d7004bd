"""Recognize which kind of constraint a failed statement violated, on either backend.

Under concurrency the database, not a check done earlier in Python, has the last word:
for example a course inserted on a class that another transaction deleted in between
fails its foreign key. Services catch ``IntegrityError`` around their transaction and
use these to turn it into the API error that the rule calls for.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

# SQLSTATE codes of PostgreSQL, and the extended result codes of SQLite (Python 3.11+).
_FOREIGN_KEY = ("23503", "SQLITE_CONSTRAINT_FOREIGNKEY")
_UNIQUE = ("23505", "SQLITE_CONSTRAINT_UNIQUE")


def _codes(error: IntegrityError) -> tuple[object, object]:
    driver_error = error.orig
    return getattr(driver_error, "sqlstate", None), getattr(driver_error, "sqlite_errorname", None)


def is_foreign_key_violation(error: IntegrityError) -> bool:
    return any(code in _FOREIGN_KEY for code in _codes(error))


def is_unique_violation(error: IntegrityError) -> bool:
    return any(code in _UNIQUE for code in _codes(error))
