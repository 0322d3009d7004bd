"""Concurrent writers against ``ondemand serve --workers 2``, and a crash in a burst.

Every response a writer receives is checked against the statuses its operation allows,
and every acknowledged change is recorded in a ``Ledger``. At the end, what the API
returns must be exactly what the ledger implies: each acknowledged resource readable
and equal to its last acknowledged body, each acknowledged deletion gone, and each list
holding exactly the expected ids.

To add a writer, write an ``Operation`` function and add one entry to ``OPERATIONS``.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from ondemand_courses.services.organizations import NewCredentials
from ondemand_courses.store.database import Database
from tests.served import ServedProcess, create_organization, serve

WRITERS = 16
STEPS_PER_WRITER = 12
# Classes the writers start with; deletes and course creates race on them.
INITIAL_CLASSES = 3


def parent_path(path: str) -> str:
    return path.rsplit("/", 1)[0]


@dataclass
class Ledger:
    """What the acknowledged requests imply, keyed by API path (``/ondemand/ID``).

    A path once removed stays removed: ids are never reused, so a later acknowledgement
    of a change to it was committed before the deletion.
    """

    lock: threading.Lock = field(default_factory=threading.Lock)
    expected: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    # Acknowledgements of something that may succeed only once, by key.
    unique_acknowledgements: Counter[str] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    # How often each operation ended in each status or error type, to see what raced.
    outcomes: Counter[str] = field(default_factory=Counter)

    def outcome(self, operation: str, response: httpx.Response) -> str | None:
        """Count and return the response's error type, or None for a 200."""
        found = error_type(response)
        with self.lock:
            self.outcomes[f"{operation}: {found or 'ok'}"] += 1
        return found

    def expect(self, path: str, data: dict[str, Any]) -> None:
        with self.lock:
            if path not in self.deleted:
                self.expected[path] = data

    def record_deletion(self, path: str) -> None:
        """Record that ``path`` and every path under it was deleted."""
        with self.lock:
            self.deleted.add(path)
            for known in [known for known in self.expected if known.startswith(path + "/")]:
                self.expected.pop(known)
                self.deleted.add(known)
            self.expected.pop(path, None)

    def acknowledge_once(self, key: str) -> None:
        with self.lock:
            self.unique_acknowledgements[key] += 1

    def paths_under(self, collection: str) -> list[str]:
        with self.lock:
            return [path for path in self.expected if parent_path(path) == collection]

    def any_known(self, collection: str, rng: random.Random) -> str | None:
        """Pick a path of the collection, expected or already deleted, or None."""
        with self.lock:
            known = [path for path in (*self.expected, *self.deleted)
                     if parent_path(path) == collection]
        return rng.choice(sorted(known)) if known else None

    def reject(self, operation: str, response: httpx.Response) -> None:
        with self.lock:
            self.unexpected.append(f"{operation}: {response.status_code} {response.text}")


@dataclass
class Writer:
    """One writer thread: its client, its random source, and the courses it created."""

    client: httpx.Client
    rng: random.Random
    own_courses: list[str] = field(default_factory=list)


Operation = Callable[[Writer, Ledger], None]


def error_type(response: httpx.Response) -> str | None:
    """Return the failure envelope's error type, or None for a 200."""
    if response.status_code == 200:
        return None
    if response.headers.get("content-type", "").startswith("application/json"):
        found: str = response.json()["error"]["type"]
        return found
    return f"status {response.status_code}"


def create_class(writer: Writer, ledger: Ledger) -> None:
    response = writer.client.post("/classes", json={"name": f"Lab {writer.rng.random()}"})
    if ledger.outcome("create class", response) is not None:
        ledger.reject("create class", response)
        return
    data = response.json()["data"]
    ledger.expect(f"/classes/{data['id']}", data)


def delete_class(writer: Writer, ledger: Ledger) -> None:
    path = ledger.any_known("/classes", writer.rng)
    if path is None:
        return
    response = writer.client.delete(path)
    outcome = ledger.outcome("delete class", response)
    if outcome is None or outcome == "ClassNotFound":
        ledger.record_deletion(path)
    elif outcome != "ClassInUse":
        ledger.reject("delete class", response)


def create_course(writer: Writer, ledger: Ledger) -> None:
    class_path = ledger.any_known("/classes", writer.rng)
    if class_path is None:
        return
    body = {"name": f"Course {writer.rng.random()}", "class_id": class_path.rsplit("/", 1)[1],
            "days_limit": writer.rng.randint(1, 30), "activity_hours_limit": 10,
            "status": "online", "external_id": None}
    response = writer.client.post("/ondemand", json=body)
    outcome = ledger.outcome("create course", response)
    if outcome == "ClassNotFound":
        ledger.record_deletion(class_path)
        return
    if outcome is not None:
        ledger.reject("create course", response)
        return
    data = response.json()["data"]
    ledger.expect(f"/ondemand/{data['id']}", data)
    writer.own_courses.append(data["id"])


def update_course(writer: Writer, ledger: Ledger) -> None:
    """Rename one of this writer's courses, sometimes moving it to a racing class.

    Only the creating writer updates a course, so its last acknowledged update is the
    final state unless a deletion was acknowledged.
    """
    if not writer.own_courses:
        return
    course_id = writer.rng.choice(writer.own_courses)
    body: dict[str, Any] = {"name": f"Renamed {writer.rng.random()}"}
    class_path = ledger.any_known("/classes", writer.rng)
    if class_path is not None and writer.rng.random() < 0.5:
        body["class_id"] = class_path.rsplit("/", 1)[1]
    response = writer.client.patch(f"/ondemand/{course_id}", json=body)
    outcome = ledger.outcome("update course", response)
    if outcome is None:
        ledger.expect(f"/ondemand/{course_id}", response.json()["data"])
    elif outcome == "ClassNotFound" and "class_id" in body and class_path is not None:
        ledger.record_deletion(class_path)
    elif outcome == "CourseNotFound":
        ledger.record_deletion(f"/ondemand/{course_id}")
    else:
        ledger.reject("update course", response)


def delete_course(writer: Writer, ledger: Ledger) -> None:
    path = ledger.any_known("/ondemand", writer.rng)
    if path is None:
        return
    response = writer.client.delete(path)
    outcome = ledger.outcome("delete course", response)
    if outcome is None or outcome == "CourseNotFound":
        ledger.record_deletion(path)
    else:
        ledger.reject("delete course", response)


# Few addresses, so that writers often enroll the same learner in the same course.
LEARNER_EMAILS = ("ada@example.com", "grace@example.com", "alan@example.com")


def enroll(writer: Writer, ledger: Ledger) -> None:
    """Enroll a shared address, in random letter case, in any known course."""
    course_path = ledger.any_known("/ondemand", writer.rng)
    if course_path is None:
        return
    email = writer.rng.choice(LEARNER_EMAILS)
    typed = "".join(letter.upper() if writer.rng.random() < 0.3 else letter for letter in email)
    response = writer.client.post(f"{course_path}/enrollments", json={"email": typed})
    outcome = ledger.outcome("enroll", response)
    if outcome is None:
        data = response.json()["data"]
        ledger.expect(f"{course_path}/enrollments/{data['id']}", data)
        ledger.acknowledge_once(f"{course_path}:{email}")
    elif outcome == "CourseNotFound":
        ledger.record_deletion(course_path)
    elif outcome != "EnrollmentAlreadyExists":
        ledger.reject("enroll", response)


# Writer operations and their relative weights.
OPERATIONS: list[tuple[Operation, int]] = [
    (create_class, 1),
    (delete_class, 2),
    (create_course, 5),
    (update_course, 2),
    (delete_course, 2),
    (enroll, 3),
]


def run_writers(served: ServedProcess, organization: NewCredentials, ledger: Ledger,
                seed: int) -> None:
    """Run ``WRITERS`` threads of ``STEPS_PER_WRITER`` operations each, all released at once."""
    start = threading.Barrier(WRITERS)
    operations = [operation for operation, _ in OPERATIONS]
    weights = [weight for _, weight in OPERATIONS]

    def run(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        with served.client(organization) as client:
            writer = Writer(client=client, rng=rng)
            start.wait(timeout=30)
            for _ in range(STEPS_PER_WRITER):
                rng.choices(operations, weights)[0](writer, ledger)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)


def listed_ids(client: httpx.Client, collection: str) -> set[str]:
    response = client.get(collection)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["data"]}


def check_final_state(client: httpx.Client, ledger: Ledger) -> None:
    assert ledger.unexpected == []
    assert [key for key, count in ledger.unique_acknowledgements.items() if count > 1] == []

    for path, data in ledger.expected.items():
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.text}"
        assert response.json()["data"] == data, path
    for path in ledger.deleted:
        response = client.get(path)
        assert response.status_code == 404, f"{path}: {response.text}"

    collections = {"/classes", "/ondemand"} | {parent_path(path) for path in ledger.expected}
    for collection in collections:
        expected_ids = {path.rsplit("/", 1)[1] for path in ledger.paths_under(collection)}
        assert listed_ids(client, collection) == expected_ids, collection

    class_ids = listed_ids(client, "/classes")
    courses = client.get("/ondemand").json()["data"]
    assert [course["id"] for course in courses if course["class_id"] not in class_ids] == []


@pytest.fixture
def organization(database_url: str) -> NewCredentials:
    return create_organization(database_url)


@pytest.fixture
def served(database_url: str, organization: NewCredentials,
           tmp_path: Path) -> Iterator[ServedProcess]:
    with serve(database_url, tmp_path / "serve.log") as process:
        yield process


def test_concurrent_writers_lose_nothing(served: ServedProcess,
                                         organization: NewCredentials) -> None:
    ledger = Ledger()
    with served.client(organization) as client:
        for index in range(INITIAL_CLASSES):
            writer = Writer(client=client, rng=random.Random(index))
            create_class(writer, ledger)

    run_writers(served, organization, ledger, seed=1)

    with served.client(organization) as client:
        check_final_state(client, ledger)
    print(sorted(ledger.outcomes.items()))
    assert "database is locked" not in served.log_path.read_text(errors="replace")


def test_sigkill_in_burst_keeps_acknowledged_courses(
        database_url: str, organization: NewCredentials, tmp_path: Path) -> None:
    acknowledged: dict[str, dict[str, Any]] = {}
    sent: dict[str, dict[str, Any]] = {}
    unexpected: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def burst(served: ServedProcess, class_id: str, index: int) -> None:
        with served.client(organization) as client:
            for step in range(500):
                if stop.is_set():
                    return
                body = {"name": f"Burst {index}-{step}", "class_id": class_id,
                        "days_limit": 5, "activity_hours_limit": 10, "status": "online",
                        "external_id": f"burst-{index}-{step}"}
                with lock:
                    sent[body["name"]] = body
                try:
                    response = client.post("/ondemand", json=body)
                except httpx.TransportError:
                    return
                if response.status_code != 200:
                    unexpected.append(f"{response.status_code} {response.text}")
                    return
                with lock:
                    acknowledged[response.json()["data"]["id"]] = response.json()["data"]

    # A fixed public URL keeps course_link equal across the restart on another port.
    public_url = ("--public-url", "https://courses.example.com")
    with serve(database_url, tmp_path / "first.log", *public_url) as served:
        with served.client(organization) as client:
            class_id = client.post("/classes", json={"name": "Lab"}).json()["data"]["id"]
        threads = [threading.Thread(target=burst, args=(served, class_id, index))
                   for index in range(8)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        served.kill()
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert unexpected == []
    assert len(acknowledged) >= 40

    with serve(database_url, tmp_path / "second.log", *public_url) as served, \
            served.client(organization) as client:
        for course_id, data in acknowledged.items():
            response = client.get(f"/ondemand/{course_id}")
            assert response.status_code == 200, response.text
            assert response.json()["data"] == data
        listed = client.get("/ondemand").json()["data"]

    assert {course["id"] for course in listed} >= set(acknowledged)
    for course in listed:
        body = sent[course["name"]]
        stored = {name: course[name] for name in body}
        assert stored == body
    database = Database(database_url)
    with database.read() as connection:
        stored_rows = connection.execute(text("SELECT count(*) FROM courses")).scalar_one()
        if database.is_sqlite:
            integrity = connection.exec_driver_sql("PRAGMA integrity_check").scalar_one()
            assert integrity == "ok"
    database.dispose()
    assert stored_rows == len(listed)
