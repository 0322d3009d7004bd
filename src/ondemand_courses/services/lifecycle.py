"""The lifecycle of an enrollment: statuses, expiry, active time and time left.

Pure functions of a stored row and the clock, so that every read shows an expiry the
moment it is due, whether or not anything has written it yet.

    enrolled ──start (course link and access token)──▶ started
    started ──PATCH──▶ paused ──PATCH "started"──▶ started
    started ──learner's "finish"──▶ finished
    started or paused ──end date passes──▶ expired
    started ──active time reaches the limit──▶ expired

PATCH moves an enrollment along ``PATCH_TRANSITIONS``; any other move is refused.
Time left is in whole minutes, rounded down, so a minute shows only while all of it
remains.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ondemand_courses.store.records import EnrollmentRecord

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS

# The learner's page sends a heartbeat once per interval. One heartbeat credits at most
# one interval of active time, so a page closed in between gains nothing more.
HEARTBEAT_INTERVAL_MS = MINUTE_MS

RUNNING_STATUSES = frozenset({"started", "paused"})
ENDED_STATUSES = frozenset({"expired", "stopped", "finished", "inactive"})

# Statuses a PATCH may move an enrollment to, by its current status. A PATCH to the
# status the enrollment already has changes nothing and succeeds.
PATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    "enrolled": frozenset({"expired", "inactive"}),
    "started": frozenset({"paused", "stopped", "expired", "inactive"}),
    "paused": frozenset({"started", "stopped", "expired", "inactive"}),
    "stopped": frozenset({"inactive"}),
    "expired": frozenset({"inactive"}),
    "finished": frozenset({"inactive"}),
    "inactive": frozenset(),
}

# The timestamp that records the move into each status.
_TIMESTAMP_OF_STATUS = {
    "paused": "paused_at",
    "stopped": "stopped_at",
    "expired": "expired_at",
    "finished": "finished_at",
    "inactive": "inactivated_at",
}


# A change of an enrollment at a moment, as the learner's pages apply them.
RecordChange = Callable[[EnrollmentRecord, int], EnrollmentRecord]


@dataclass(frozen=True)
class EnrollmentState:
    """An enrollment as of one moment, with its time left in minutes (None until started)."""

    record: EnrollmentRecord
    enrollment_time_left: int | None
    active_time_left: int | None


def due_expiry(record: EnrollmentRecord, now_ms: int) -> int | None:
    """Return the moment a running enrollment became due to expire, if that has happened."""
    if record.status not in RUNNING_STATUSES:
        return None
    activity_reached = (
        record.status == "started" and record.activity_limit_ms is not None
        and record.active_ms >= record.activity_limit_ms
    )
    if activity_reached:
        # Heartbeats store this expiry themselves with its exact moment, so this covers
        # only rows written some other way. The last heartbeat is the best moment known.
        return record.last_heartbeat_at or record.started_at
    if record.end_date is not None and record.end_date <= now_ms:
        return record.end_date
    return None


def as_of(record: EnrollmentRecord, now_ms: int) -> EnrollmentRecord:
    """Return the enrollment as it is at ``now_ms``: expired if its expiry is due."""
    due = due_expiry(record, now_ms)
    if due is None:
        return record
    return dataclasses.replace(record, status="expired", expired_at=due, last_heartbeat_at=None)


def state_of(record: EnrollmentRecord, now_ms: int) -> EnrollmentState:
    """Return the effective enrollment at ``now_ms`` with its time left."""
    current = as_of(record, now_ms)
    if current.started_at is None or current.end_date is None:
        return EnrollmentState(current, None, None)
    if current.status in ENDED_STATUSES:
        return EnrollmentState(current, 0, 0)
    enrollment_left = max(0, current.end_date - now_ms) // MINUTE_MS
    limit = current.activity_limit_ms or 0
    active_left = max(0, limit - current.active_ms) // MINUTE_MS
    return EnrollmentState(current, enrollment_left, active_left)


def changes_between(before: EnrollmentRecord, after: EnrollmentRecord) -> dict[str, Any]:
    """Return the columns that differ between two versions of a row, for an UPDATE."""
    return {
        field.name: getattr(after, field.name)
        for field in dataclasses.fields(after)
        if getattr(before, field.name) != getattr(after, field.name)
    }


def can_patch(current_status: str, target: str) -> bool:
    return target == current_status or target in PATCH_TRANSITIONS[current_status]


def move_to(record: EnrollmentRecord, target: str, now_ms: int) -> EnrollmentRecord:
    """Return the enrollment moved to ``target`` at ``now_ms``; the caller checks the move.

    Pausing and resuming forget the last heartbeat, so that time spent paused is never
    credited as active time.
    """
    if target == record.status:
        return record
    changes: dict[str, Any] = {"status": target}
    timestamp_field = _TIMESTAMP_OF_STATUS.get(target)
    if timestamp_field is not None:
        changes[timestamp_field] = now_ms
    if target in ("paused", "started") or target in ENDED_STATUSES:
        changes["last_heartbeat_at"] = None
    return dataclasses.replace(record, **changes)


def start(record: EnrollmentRecord, *, days_limit: int, activity_hours_limit: int,
          now_ms: int) -> EnrollmentRecord:
    """Return the enrolled enrollment started at ``now_ms`` with the course's limits."""
    return dataclasses.replace(
        record, status="started", started_at=now_ms, end_date=now_ms + days_limit * DAY_MS,
        activity_limit_ms=activity_hours_limit * HOUR_MS, last_heartbeat_at=now_ms,
    )


def touch(record: EnrollmentRecord, now_ms: int) -> EnrollmentRecord:
    """Return the enrollment after the learner opened its page at ``now_ms``.

    Opening the page credits nothing. It starts a new heartbeat interval unless one is
    still current, so the first heartbeat after a long absence credits only real time.
    """
    if record.status != "started":
        return record
    last = record.last_heartbeat_at
    if last is not None and now_ms - last <= HEARTBEAT_INTERVAL_MS:
        return record
    return dataclasses.replace(record, last_heartbeat_at=now_ms)


def heartbeat(record: EnrollmentRecord, now_ms: int) -> EnrollmentRecord:
    """Return the started enrollment after a heartbeat at ``now_ms``.

    The heartbeat credits the time since the last one, at most one interval, and expires
    the enrollment at the moment the credited time reaches its activity limit.
    """
    if record.status != "started":
        return record
    last = record.last_heartbeat_at
    credit = 0 if last is None else max(0, min(now_ms - last, HEARTBEAT_INTERVAL_MS))
    first_activity = record.first_activity if record.first_activity is not None else now_ms
    limit = record.activity_limit_ms
    if limit is not None and record.active_ms + credit >= limit:
        reached_at = now_ms - credit + (limit - record.active_ms)
        return dataclasses.replace(record, status="expired", expired_at=reached_at,
                                   active_ms=limit, last_heartbeat_at=None,
                                   first_activity=first_activity)
    return dataclasses.replace(record, active_ms=record.active_ms + credit,
                               last_heartbeat_at=now_ms, first_activity=first_activity)
