"""Time source of the server, replaceable in tests."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> int:
        """Return the current time in milliseconds since the Unix epoch."""
        ...


class SystemClock:
    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class ManualClock:
    """A clock that changes only when a test sets or advances it."""

    def __init__(self, start_ms: int) -> None:
        self._now_ms = start_ms

    def now_ms(self) -> int:
        return self._now_ms

    def advance(self, *, seconds: float = 0, minutes: float = 0, hours: float = 0,
                days: float = 0) -> None:
        total_seconds = seconds + minutes * 60 + hours * 3600 + days * 86400
        self._now_ms += round(total_seconds * 1000)

    def set(self, now_ms: int) -> None:
        self._now_ms = now_ms


def format_timestamp(epoch_ms: int | None) -> str | None:
    """Format epoch milliseconds as UTC ISO 8601, e.g. ``2018-10-16T11:40:11.239Z``."""
    if epoch_ms is None:
        return None
    moment = datetime.fromtimestamp(epoch_ms // 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"
