"""The lifecycle rules as pure functions of a row and a moment."""

from __future__ import annotations

import dataclasses

import pytest

from ondemand_courses.services import lifecycle
from ondemand_courses.store.records import EnrollmentRecord

START_MS = 1_767_225_600_000
MINUTE_MS = 60_000
DAY_MS = 24 * 60 * MINUTE_MS


def started(**changes: object) -> EnrollmentRecord:
    enrolled = EnrollmentRecord(id="e", org_id="o", course_id="c", email="ada@example.com",
                                status="enrolled", enrolled_at=START_MS - DAY_MS)
    record = lifecycle.start(enrolled, days_limit=2, activity_hours_limit=1, now_ms=START_MS)
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


def test_start_sets_end_date_and_limit() -> None:
    record = started()

    assert record.status == "started"
    assert record.started_at == START_MS
    assert record.end_date == START_MS + 2 * DAY_MS
    assert record.activity_limit_ms == 60 * MINUTE_MS
    assert record.last_heartbeat_at == START_MS


def test_as_of_expires_at_end_date_exactly() -> None:
    record = started()

    before = lifecycle.as_of(record, START_MS + 2 * DAY_MS - 1)
    at_end = lifecycle.as_of(record, START_MS + 2 * DAY_MS)

    assert before is record
    assert at_end.status == "expired"
    assert at_end.expired_at == START_MS + 2 * DAY_MS


def test_as_of_leaves_ended_and_enrolled_alone() -> None:
    for status in ("enrolled", "stopped", "finished", "inactive", "expired"):
        record = started(status=status)
        assert lifecycle.as_of(record, START_MS + 10 * DAY_MS) is record


def test_state_of_rounds_minutes_down() -> None:
    state = lifecycle.state_of(started(active_ms=MINUTE_MS - 1), START_MS + MINUTE_MS - 1)

    assert state.enrollment_time_left == 2 * 24 * 60 - 1
    assert state.active_time_left == 59


def test_heartbeat_credits_at_most_one_interval() -> None:
    record = started()

    soon = lifecycle.heartbeat(record, START_MS + 20_000)
    late = lifecycle.heartbeat(soon, START_MS + 20_000 + 5 * MINUTE_MS)

    assert soon.active_ms == 20_000
    assert soon.first_activity == START_MS + 20_000
    assert late.active_ms == 20_000 + MINUTE_MS
    assert late.first_activity == START_MS + 20_000


def test_heartbeat_reaching_limit_expires_at_that_moment() -> None:
    record = started(active_ms=60 * MINUTE_MS - 10_000, last_heartbeat_at=START_MS)

    after = lifecycle.heartbeat(record, START_MS + 40_000)

    assert after.status == "expired"
    assert after.expired_at == START_MS + 10_000
    assert after.active_ms == 60 * MINUTE_MS


@pytest.mark.parametrize("status", ["paused", "enrolled", "expired"])
def test_heartbeat_counts_only_while_started(status: str) -> None:
    record = started(status=status)

    assert lifecycle.heartbeat(record, START_MS + MINUTE_MS) is record


def test_touch_starts_new_interval_only_after_a_gap() -> None:
    record = started()

    recent = lifecycle.touch(record, START_MS + 30_000)
    after_gap = lifecycle.touch(record, START_MS + 2 * MINUTE_MS)

    assert recent.last_heartbeat_at == START_MS
    assert after_gap.last_heartbeat_at == START_MS + 2 * MINUTE_MS
    assert after_gap.active_ms == 0


def test_transition_table_covers_every_status() -> None:
    statuses = {"enrolled", "started", "paused", "stopped", "expired", "finished", "inactive"}

    assert set(lifecycle.PATCH_TRANSITIONS) == statuses
    for targets in lifecycle.PATCH_TRANSITIONS.values():
        assert targets <= statuses - {"enrolled", "finished"}
