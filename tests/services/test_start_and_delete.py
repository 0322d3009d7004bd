"""A learner's start and a course delete at the same instant: exactly one of them wins."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ondemand_courses.clock import ManualClock
from ondemand_courses.errors import CourseHasRunningEnrollments, CourseNotFound
from ondemand_courses.schemas import ClassCreate, CourseCreate
from ondemand_courses.services import Services
from ondemand_courses.store.database import Database, migrate
from tests.conftest import CLOCK_START_MS

ROUNDS = 15


def _database_urls() -> list[str]:
    urls = ["sqlite"]
    # PostgreSQL only when a test database is named, e.g. postgresql://postgres@127.0.0.1/x.
    if os.environ.get("ONDEMAND_TEST_POSTGRES_URL"):
        urls.append(os.environ["ONDEMAND_TEST_POSTGRES_URL"])
    return urls


@pytest.fixture(params=_database_urls())
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    url = f"sqlite:///{tmp_path}/race.db" if request.param == "sqlite" else request.param
    database = Database(url)
    migrate(database)
    yield Services.build(database, ManualClock(CLOCK_START_MS))
    database.dispose()


def _run_together(*actions: Callable[[], None]) -> None:
    barrier = threading.Barrier(len(actions))

    def run(action: Callable[[], None]) -> None:
        barrier.wait()
        action()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


def test_start_and_delete_never_both_succeed(services: Services) -> None:
    org_id = services.organizations.create("Race organization").org_id
    lab = services.classes.create(org_id, ClassCreate(name="lab"))
    outcomes: list[tuple[str, str]] = []

    for _ in range(ROUNDS):
        course = services.courses.create(org_id, CourseCreate(
            name="Race", class_id=lab.id, days_limit=1, activity_hours_limit=1,
            status="online"))
        results: dict[str, str] = {}

        def start(course_id: str = course.id, token: str = course.public_access_token,
                  results: dict[str, str] = results) -> None:
            try:
                services.learners.start(course_id, "ada@example.com", token)
                results["start"] = "started"
            except CourseNotFound:
                results["start"] = "CourseNotFound"

        def delete(course_id: str = course.id, results: dict[str, str] = results) -> None:
            try:
                services.courses.delete(org_id, course_id)
                results["delete"] = "deleted"
            except CourseHasRunningEnrollments:
                results["delete"] = "CourseHasRunningEnrollments"

        _run_together(start, delete)
        outcomes.append((results["start"], results["delete"]))

    assert set(outcomes) <= {("started", "CourseHasRunningEnrollments"),
                             ("CourseNotFound", "deleted")}
