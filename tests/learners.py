"""Helpers for tests of enrollments: courses, enrollments and learners' browsers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from ondemand_courses.clock import format_timestamp
from tests.conftest import LiveServer, course_body

MINUTE_MS = 60_000
DAY_MS = 24 * 60 * MINUTE_MS


def create_course(api: httpx.Client, class_id: str, **overrides: object) -> dict[str, Any]:
    response = api.post("/ondemand", json=course_body(class_id, **overrides))
    assert response.status_code == 200, response.text
    course: dict[str, Any] = response.json()["data"]
    return course


def enroll(api: httpx.Client, course_id: str, email: str) -> dict[str, Any]:
    response = api.post(f"/ondemand/{course_id}/enrollments", json={"email": email})
    assert response.status_code == 200, response.text
    enrollment: dict[str, Any] = response.json()["data"]
    return enrollment


def get_enrollment(api: httpx.Client, course_id: str, enrollment_id: str) -> dict[str, Any]:
    response = api.get(f"/ondemand/{course_id}/enrollments/{enrollment_id}")
    assert response.status_code == 200, response.text
    enrollment: dict[str, Any] = response.json()["data"]
    return enrollment


def only_enrollment(api: httpx.Client, course_id: str) -> dict[str, Any]:
    response = api.get(f"/ondemand/{course_id}/enrollments")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["data"]
    assert len(found) == 1
    return found[0]


@contextmanager
def browser(server: LiveServer) -> Iterator[httpx.Client]:
    """A learner's browser: keeps cookies and does not follow redirects."""
    with httpx.Client(base_url=server.url, timeout=10, follow_redirects=False) as client:
        yield client


def start_form(learner: httpx.Client, course: dict[str, Any], email: str,
               access_token: str | None = None) -> httpx.Response:
    token = course["public_access_token"] if access_token is None else access_token
    return learner.post(f"/training/ondemand/{course['id']}/start",
                        data={"email": email, "access_token": token})


def start_learner(learner: httpx.Client, course: dict[str, Any], email: str) -> None:
    response = start_form(learner, course, email)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/training/ondemand/{course['id']}"


def heartbeat(learner: httpx.Client, course_id: str) -> dict[str, Any]:
    response = learner.post(f"/training/ondemand/{course_id}/heartbeat")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    state: dict[str, Any] = response.json()
    return state


def timestamp(epoch_ms: int) -> str:
    formatted = format_timestamp(epoch_ms)
    assert formatted is not None
    return formatted
