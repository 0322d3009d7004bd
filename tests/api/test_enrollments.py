"""The enrollment endpoints and the lifecycle they show, on a clock the tests move."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from ondemand_courses.store.tables import enrollments
from tests.conftest import LiveServer, failure
from tests.learners import (
    DAY_MS,
    MINUTE_MS,
    browser,
    create_course,
    enroll,
    get_enrollment,
    heartbeat,
    only_enrollment,
    start_learner,
    timestamp,
)

ENROLLMENT_FIELDS = {
    "id", "course_id", "email", "status", "enrolled_at", "started_at", "end_date",
    "first_activity", "paused_at", "stopped_at", "expired_at", "finished_at",
    "inactivated_at", "active_time_left", "enrollment_time_left",
}


@pytest.fixture
def course(api: httpx.Client, class_id: str) -> dict[str, Any]:
    return create_course(api, class_id, days_limit=5, activity_hours_limit=10)


def started_enrollment(server: LiveServer, api: httpx.Client, course: dict[str, Any],
                       email: str = "ada@example.com") -> dict[str, Any]:
    with browser(server) as learner:
        start_learner(learner, course, email)
    return only_enrollment(api, course["id"])


def patch_status(api: httpx.Client, course_id: str, enrollment_id: str,
                 status: str) -> httpx.Response:
    return api.patch(f"/ondemand/{course_id}/enrollments/{enrollment_id}",
                     json={"status": status})


def test_enroll_returns_new_enrollment(api: httpx.Client, server: LiveServer,
                                       course: dict[str, Any]) -> None:
    now_ms = server.clock.now_ms()

    response = api.post(f"/ondemand/{course['id']}/enrollments",
                        json={"email": " Ada.Lovelace@Example.com "})

    assert response.status_code == 200
    enrollment = response.json()["data"]
    assert set(enrollment) == ENROLLMENT_FIELDS
    assert enrollment == {
        "id": enrollment["id"], "course_id": course["id"], "email": "Ada.Lovelace@Example.com",
        "status": "enrolled", "enrolled_at": timestamp(now_ms), "started_at": None,
        "end_date": None, "first_activity": None, "paused_at": None, "stopped_at": None,
        "expired_at": None, "finished_at": None, "inactivated_at": None,
        "active_time_left": None, "enrollment_time_left": None,
    }
    assert get_enrollment(api, course["id"], enrollment["id"]) == enrollment


def test_enroll_same_email_twice_is_refused(api: httpx.Client,
                                            course: dict[str, Any]) -> None:
    first = enroll(api, course["id"], "ada@example.com")

    response = api.post(f"/ondemand/{course['id']}/enrollments",
                        json={"email": "ADA@Example.COM"})

    assert response.status_code == 409
    assert failure(response)["type"] == "EnrollmentAlreadyExists"
    assert only_enrollment(api, course["id"]) == first


@pytest.mark.parametrize("email", [
    "", "ada", "ada@", "@example.com", "ada@example", "ada example@example.com",
    "ada@@example.com", ".ada@example.com", "ada.@example.com", "ada@-example.com",
    "a" * 65 + "@example.com", "ada@" + "e" * 250 + ".com",
])
def test_enroll_invalid_email_is_rejected(api: httpx.Client, course: dict[str, Any],
                                          email: str) -> None:
    response = api.post(f"/ondemand/{course['id']}/enrollments", json={"email": email})

    assert response.status_code == 422
    error = failure(response)
    assert error["type"] == "RequestValidationError"
    assert [entry["param"] for entry in error["errors"]] == ["email"]  # type: ignore[union-attr]
    assert api.get(f"/ondemand/{course['id']}/enrollments").json()["data"] == []


@pytest.mark.parametrize(("body", "param"), [
    ({}, "email"), ({"email": 5}, "email"), ({"email": "a@example.com", "status": "started"},
                                             "status"),
])
def test_enroll_bad_body_is_rejected(api: httpx.Client, course: dict[str, Any],
                                     body: dict[str, object], param: str) -> None:
    response = api.post(f"/ondemand/{course['id']}/enrollments", json=body)

    assert response.status_code == 422
    assert [entry["param"] for entry in failure(response)["errors"]] == [param]  # type: ignore[union-attr]


def test_unknown_course_and_enrollment_are_not_found(
        api: httpx.Client, other_api: httpx.Client, course: dict[str, Any]) -> None:
    enrollment = enroll(api, course["id"], "ada@example.com")
    other_course_path = f"/ondemand/{course['id']}/enrollments"

    unknown = "hd3ALTaLAbhfzmBbf"
    course_missing = {"type": "CourseNotFound", "message": f"Course '{unknown}' not found."}
    enrollment_missing = {"type": "EnrollmentNotFound",
                          "message": f"Enrollment '{unknown}' not found."}
    foreign_course = {"type": "CourseNotFound", "message": f"Course '{course['id']}' not found."}
    cases = [
        (api.get(f"/ondemand/{unknown}/enrollments"), course_missing),
        (api.post(f"/ondemand/{unknown}/enrollments", json={"email": "a@example.com"}),
         course_missing),
        (api.get(f"/ondemand/{unknown}/enrollments/{enrollment['id']}"), course_missing),
        (api.get(f"{other_course_path}/{unknown}"), enrollment_missing),
        (api.get(f"{other_course_path}/bad"),
         {"type": "EnrollmentNotFound", "message": "Enrollment 'bad' not found."}),
        (api.delete(f"{other_course_path}/{unknown}"), enrollment_missing),
        (api.patch(f"{other_course_path}/{unknown}", json={"status": "paused"}),
         enrollment_missing),
        (other_api.get(other_course_path), foreign_course),
        (other_api.get(f"{other_course_path}/{enrollment['id']}"), foreign_course),
    ]

    for response, expected in cases:
        assert response.status_code == 404
        assert failure(response) == expected


def test_enrollment_of_another_course_is_not_found(api: httpx.Client, class_id: str,
                                                   course: dict[str, Any]) -> None:
    other_course = create_course(api, class_id, name="Other")
    enrollment = enroll(api, course["id"], "ada@example.com")

    response = api.get(f"/ondemand/{other_course['id']}/enrollments/{enrollment['id']}")

    assert response.status_code == 404
    assert failure(response)["type"] == "EnrollmentNotFound"


def test_list_is_plain_array_or_one_page(api: httpx.Client, course: dict[str, Any]) -> None:
    created = [enroll(api, course["id"], f"learner{number}@example.com") for number in range(3)]
    path = f"/ondemand/{course['id']}/enrollments"

    everything = api.get(path).json()
    paged = api.get(path, params={"page": 2, "limit": 2}).json()

    assert everything == {"result": "success", "data": created}
    assert paged == {
        "result": "success", "data": [created[2]],
        "metadata": {"total_items": 3, "total_pages": 2, "current_page": 2, "limit": 2},
    }


def test_list_filters_by_email_and_status(server: LiveServer, api: httpx.Client,
                                          course: dict[str, Any]) -> None:
    enrolled = enroll(api, course["id"], "Grace@Example.com")
    with browser(server) as learner:
        start_learner(learner, course, "ada@example.com")
    path = f"/ondemand/{course['id']}/enrollments"
    started = api.get(path).json()["data"][1]

    by_email = api.get(path, params={"email": "grace@example.COM"}).json()["data"]
    by_status = api.get(path, params={"status": "started"}).json()["data"]
    by_statuses = api.get(path, params={"status": "enrolled,started"}).json()["data"]
    paged = api.get(path, params={"status": "paused,expired", "limit": 5}).json()

    assert [item["id"] for item in by_email] == [enrolled["id"]]
    assert [item["id"] for item in by_status] == [started["id"]]
    assert [item["id"] for item in by_statuses] == [enrolled["id"], started["id"]]
    assert paged == {"result": "success", "data": [], "metadata": {
        "total_items": 0, "total_pages": 0, "current_page": 1, "limit": 5}}


@pytest.mark.parametrize(("query", "message"), [
    ({"status": "running"}, "Unknown status 'running'"),
    ({"status": "started,"}, "Unknown status ''"),
    ({"email": " "}, "Must not be empty"),
])
def test_list_with_bad_filter_is_rejected(api: httpx.Client, course: dict[str, Any],
                                          query: dict[str, str], message: str) -> None:
    response = api.get(f"/ondemand/{course['id']}/enrollments", params=query)

    assert response.status_code == 422
    entries: list[dict[str, str]] = failure(response)["errors"]  # type: ignore[assignment]
    assert len(entries) == 1
    assert entries[0]["location"] == "query"
    assert entries[0]["param"] == next(iter(query))
    assert entries[0]["msg"].startswith(message)


def test_start_sets_end_date_and_time_left(server: LiveServer, api: httpx.Client,
                                           course: dict[str, Any]) -> None:
    enrolled = enroll(api, course["id"], "ada@example.com")
    start_ms = server.clock.now_ms()

    started = started_enrollment(server, api, course, "ADA@example.com")

    assert started == {
        **enrolled, "status": "started", "started_at": timestamp(start_ms),
        "end_date": timestamp(start_ms + 5 * DAY_MS),
        "active_time_left": 600, "enrollment_time_left": 5 * 24 * 60,
    }


def test_time_left_rounds_down_to_whole_minutes(server: LiveServer, api: httpx.Client,
                                                course: dict[str, Any]) -> None:
    started = started_enrollment(server, api, course)

    server.clock.advance(seconds=1)
    one_second_later = get_enrollment(api, course["id"], started["id"])
    server.clock.advance(days=5, seconds=-2)
    last_second = get_enrollment(api, course["id"], started["id"])

    assert one_second_later["enrollment_time_left"] == 5 * 24 * 60 - 1
    assert last_second["status"] == "started"
    assert last_second["enrollment_time_left"] == 0
    assert last_second["active_time_left"] == 600


def test_enrollment_expires_on_read_at_end_date(server: LiveServer, api: httpx.Client,
                                                course: dict[str, Any]) -> None:
    started = started_enrollment(server, api, course)
    path = f"/ondemand/{course['id']}/enrollments"

    server.clock.advance(days=5)
    expired = get_enrollment(api, course["id"], started["id"])
    by_expired = api.get(path, params={"status": "expired"}).json()["data"]
    by_started = api.get(path, params={"status": "started,paused"}).json()["data"]

    assert expired == {**started, "status": "expired", "expired_at": started["end_date"],
                       "active_time_left": 0, "enrollment_time_left": 0}
    assert by_expired == [expired]
    assert by_started == []


def test_paused_enrollment_expires_at_end_date(server: LiveServer, api: httpx.Client,
                                               course: dict[str, Any]) -> None:
    started = started_enrollment(server, api, course)
    assert patch_status(api, course["id"], started["id"], "paused").status_code == 200

    server.clock.advance(days=6)

    expired = get_enrollment(api, course["id"], started["id"])
    assert expired["status"] == "expired"
    assert expired["expired_at"] == started["end_date"]


def test_heartbeats_count_active_time(server: LiveServer, api: httpx.Client,
                                      course: dict[str, Any]) -> None:
    with browser(server) as learner:
        start_learner(learner, course, "ada@example.com")
        start_ms = server.clock.now_ms()

        server.clock.advance(seconds=30)
        first = heartbeat(learner, course["id"])
        server.clock.advance(minutes=10)
        after_gap = heartbeat(learner, course["id"])

    enrollment = only_enrollment(api, course["id"])
    assert first["active_time_left"] == 599
    # Ten minutes without a heartbeat credit one interval: 30 s + 60 s in all.
    assert after_gap["active_time_left"] == 598
    assert after_gap["status"] == "started"
    assert enrollment["first_activity"] == timestamp(start_ms + 30_000)
    assert enrollment["active_time_left"] == 598


def test_active_time_limit_expires_enrollment(server: LiveServer, api: httpx.Client,
                                              class_id: str) -> None:
    course = create_course(api, class_id, activity_hours_limit=1)
    with browser(server) as learner:
        start_learner(learner, course, "ada@example.com")
        start_ms = server.clock.now_ms()
        states = []
        for _ in range(59):
            server.clock.advance(minutes=1)
            states.append(heartbeat(learner, course["id"]))
        server.clock.advance(seconds=90)
        last = heartbeat(learner, course["id"])
        server.clock.advance(minutes=1)
        after_expiry = heartbeat(learner, course["id"])

    enrollment = only_enrollment(api, course["id"])
    assert states[0]["active_time_left"] == 59
    assert states[-1]["active_time_left"] == 1
    assert states[-1]["status"] == "started"
    assert last["status"] == "expired"
    assert after_expiry["status"] == "expired"
    assert enrollment["status"] == "expired"
    # The last heartbeat, 90 s after the one before, credits the minute just before it:
    # the limit was reached at that heartbeat, 60 min 30 s after the start.
    assert enrollment["expired_at"] == timestamp(start_ms + 60 * MINUTE_MS + 30_000)
    assert enrollment["active_time_left"] == 0
    assert enrollment["enrollment_time_left"] == 0


def test_paused_time_is_not_active_time(server: LiveServer, api: httpx.Client,
                                        course: dict[str, Any]) -> None:
    with browser(server) as learner:
        start_learner(learner, course, "ada@example.com")
        enrollment_id = only_enrollment(api, course["id"])["id"]
        server.clock.advance(minutes=1)
        heartbeat(learner, course["id"])
        patch_status(api, course["id"], enrollment_id, "paused")
        server.clock.advance(minutes=1)
        while_paused = heartbeat(learner, course["id"])
        patch_status(api, course["id"], enrollment_id, "started")
        server.clock.advance(minutes=1)
        first_after_resume = heartbeat(learner, course["id"])
        server.clock.advance(minutes=1)
        second_after_resume = heartbeat(learner, course["id"])

    assert while_paused["status"] == "paused"
    assert while_paused["active_time_left"] == 599
    assert first_after_resume["active_time_left"] == 599
    assert second_after_resume["active_time_left"] == 598


def test_course_limits_change_after_start_keep_enrollment_terms(
        server: LiveServer, api: httpx.Client, course: dict[str, Any]) -> None:
    started = started_enrollment(server, api, course)

    api.patch(f"/ondemand/{course['id']}", json={"days_limit": 1, "activity_hours_limit": 1})

    assert get_enrollment(api, course["id"], started["id"]) == started


def drive_to(server: LiveServer, api: httpx.Client, course: dict[str, Any],
             status: str) -> dict[str, Any]:
    """Create an enrollment and bring it to ``status`` the way learners and clients do."""
    if status == "enrolled":
        return enroll(api, course["id"], "ada@example.com")
    with browser(server) as learner:
        start_learner(learner, course, "ada@example.com")
        enrollment = only_enrollment(api, course["id"])
        if status == "finished":
            response = learner.post(f"/training/ondemand/{course['id']}/finish")
            assert response.status_code == 303
        elif status != "started":
            response = patch_status(api, course["id"], enrollment["id"], status)
            assert response.status_code == 200
    return get_enrollment(api, course["id"], enrollment["id"])


ALLOWED = {
    ("enrolled", "expired"), ("enrolled", "inactive"),
    ("started", "started"), ("started", "paused"), ("started", "stopped"),
    ("started", "expired"), ("started", "inactive"),
    ("paused", "paused"), ("paused", "started"), ("paused", "stopped"),
    ("paused", "expired"), ("paused", "inactive"),
    ("stopped", "stopped"), ("stopped", "inactive"),
    ("expired", "expired"), ("expired", "inactive"),
    ("finished", "inactive"), ("inactive", "inactive"),
}
TIMESTAMP_OF = {"paused": "paused_at", "stopped": "stopped_at", "expired": "expired_at",
                "inactive": "inactivated_at"}


@pytest.mark.parametrize("target", ["started", "paused", "stopped", "expired", "inactive"])
@pytest.mark.parametrize("current", ["enrolled", "started", "paused", "stopped", "expired",
                                     "finished", "inactive"])
def test_patch_status_transition(server: LiveServer, api: httpx.Client,
                                 course: dict[str, Any], current: str, target: str) -> None:
    before = drive_to(server, api, course, current)
    server.clock.advance(minutes=1)
    now_ms = server.clock.now_ms()

    response = patch_status(api, course["id"], before["id"], target)

    after = get_enrollment(api, course["id"], before["id"])
    if (current, target) not in ALLOWED:
        assert response.status_code == 409
        assert failure(response) == {
            "type": "InvalidStatusTransition",
            "message": f"An enrollment in status '{current}' cannot move to '{target}'.",
        }
        assert after == {**before, "enrollment_time_left": after["enrollment_time_left"]}
        return
    assert response.status_code == 200
    assert response.json()["data"] == after
    assert after["status"] == target
    if current == target:
        assert after == {**before, "enrollment_time_left": after["enrollment_time_left"]}
    elif target in TIMESTAMP_OF:
        assert after[TIMESTAMP_OF[target]] == timestamp(now_ms)
    else:
        assert after["started_at"] == before["started_at"]
        assert after["end_date"] == before["end_date"]


@pytest.mark.parametrize("status", ["finished", "enrolled", "running", None, 1])
def test_patch_to_unknown_or_learner_status_is_rejected(
        api: httpx.Client, course: dict[str, Any], status: object) -> None:
    enrollment = enroll(api, course["id"], "ada@example.com")

    response = patch_status(api, course["id"], enrollment["id"], status)  # type: ignore[arg-type]

    assert response.status_code == 422
    assert [entry["param"] for entry in failure(response)["errors"]] == ["status"]  # type: ignore[union-attr]
    assert get_enrollment(api, course["id"], enrollment["id"]) == enrollment


def test_delete_enrolled_enrollment(api: httpx.Client, course: dict[str, Any]) -> None:
    enrollment = enroll(api, course["id"], "ada@example.com")
    path = f"/ondemand/{course['id']}/enrollments/{enrollment['id']}"

    response = api.delete(path)

    assert response.status_code == 200
    assert response.json() == {"result": "success"}
    assert api.get(path).status_code == 404


@pytest.mark.parametrize("status", ["started", "paused", "stopped", "finished", "inactive"])
def test_delete_started_enrollment_is_refused(server: LiveServer, api: httpx.Client,
                                              course: dict[str, Any], status: str) -> None:
    enrollment = drive_to(server, api, course, status)

    response = api.delete(f"/ondemand/{course['id']}/enrollments/{enrollment['id']}")

    assert response.status_code == 409
    assert failure(response) == {
        "type": "EnrollmentNotInEnrolledState",
        "message": "Only enrollments in status 'enrolled' can be deleted; "
                   f"this one is '{status}'.",
    }
    assert get_enrollment(api, course["id"], enrollment["id"])["status"] == status


@pytest.mark.parametrize("status", ["started", "paused"])
def test_delete_course_with_running_enrollment_is_refused(
        server: LiveServer, api: httpx.Client, course: dict[str, Any], status: str) -> None:
    enrollment = drive_to(server, api, course, status)

    response = api.delete(f"/ondemand/{course['id']}")

    assert response.status_code == 409
    assert failure(response)["type"] == "CourseHasRunningEnrollments"
    assert get_enrollment(api, course["id"], enrollment["id"]) == enrollment


@pytest.mark.parametrize("status", ["enrolled", "stopped", "finished", "expired", "inactive"])
def test_delete_course_without_running_enrollment(
        server: LiveServer, api: httpx.Client, course: dict[str, Any], status: str) -> None:
    drive_to(server, api, course, status)

    response = api.delete(f"/ondemand/{course['id']}")

    assert response.status_code == 200
    assert api.get(f"/ondemand/{course['id']}/enrollments").status_code == 404
    with server.database.read() as connection:
        left = connection.execute(
            select(func.count()).select_from(enrollments)
            .where(enrollments.c.course_id == course["id"])
        ).scalar()
    assert left == 0


def test_delete_course_after_end_date_without_any_write(
        server: LiveServer, api: httpx.Client, course: dict[str, Any]) -> None:
    drive_to(server, api, course, "started")
    server.clock.advance(days=5)

    response = api.delete(f"/ondemand/{course['id']}")

    assert response.status_code == 200


def test_delete_overdue_enrollment_names_expired(server: LiveServer, api: httpx.Client,
                                                 course: dict[str, Any]) -> None:
    enrollment = drive_to(server, api, course, "started")
    server.clock.advance(days=5)

    response = api.delete(f"/ondemand/{course['id']}/enrollments/{enrollment['id']}")

    assert response.status_code == 409
    assert failure(response)["message"] == (
        "Only enrollments in status 'enrolled' can be deleted; this one is 'expired'.")
