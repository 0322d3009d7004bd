"""The log check of a test run: no API key and no email may reach a log line.

Every log record of the server goes to one file, and tests record each API key they
create. When the run ends, the file is searched for those keys, for anything shaped like
an API key (``odc_`` and 43 base64url characters) and for anything shaped like an email.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ondemand_courses.logs import JsonFormatter

_API_KEY_SHAPE = re.compile(r"odc_[A-Za-z0-9_-]{43}")
_EMAIL_SHAPE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")

# Loggers of the test process's own clients, which log full request URLs; the server's
# records are everything else.
_CLIENT_LOGGERS = ("httpx", "httpcore", "hypothesis", "schemathesis")

_recorded_secrets: set[str] = set()
_log_path: Path | None = None


def record_secret(value: str) -> None:
    """Remember a key or email that the run used, so that the log check looks for it."""
    _recorded_secrets.add(value)


@contextmanager
def capture_logs(path: Path) -> Iterator[None]:
    """Write every server record of level INFO and above to ``path`` as JSON."""
    global _log_path
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(JsonFormatter())
    handler.addFilter(_is_server_record)
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    _log_path = path
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
        handler.close()


def _is_server_record(record: logging.LogRecord) -> bool:
    return not record.name.startswith(_CLIENT_LOGGERS)


def find_leaks_in(text: str, secrets: set[str]) -> list[str]:
    """Return one description per line of ``text`` that has a secret or its shape in it.

    A description names the line and the first 8 characters of what was found.
    """
    found: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        hits = [secret for secret in secrets if secret in line]
        hits += _API_KEY_SHAPE.findall(line) + _EMAIL_SHAPE.findall(line)
        found.extend(f"line {number}: {hit[:8]}..." for hit in sorted(set(hits)))
    return found


def find_leaks() -> list[str]:
    """Search the log file of this run for every recorded secret and secret shape."""
    if _log_path is None or not _log_path.exists():
        return []
    return find_leaks_in(_log_path.read_text(encoding="utf-8"), _recorded_secrets)
