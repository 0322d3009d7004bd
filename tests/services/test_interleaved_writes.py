"""Two transactions racing for one rule, interleaved step by step on a real database.

One transaction is held open on a connection of the test while a service call runs in
a thread and waits for it. On PostgreSQL the test waits until that call is blocked by
the open transaction, so the service's check has already run against the old state and
the database's constraint must decide. On SQLite the call waits for the write lock at
BEGIN IMMEDIATE, and its check then reads the committed state.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Connection

from ondemand_courses import ids
from ondemand_courses.clock import ManualClock
from ondemand_courses.errors import ClassInUse, ClassNotFound
from ondemand_courses.schemas import ClassCreate, CourseCreate
from ondemand_courses.services import Services
from ondemand_courses.store import classes as class_store
from ondemand_courses.store import courses as course_store
from ondemand_courses.store import organizations as organization_store
from ondemand_courses.store.database import Database, migrate
from ondemand_courses.store.records import CourseRecord, OrganizationRecord
from tests.conftest import CLOCK_START_MS


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    opened = Database(database_url)
    migrate(opened)
    yield opened
    opened.dispose()


def wait_until_blocked(database: Database, holder: Connection,
                       thread: threading.Thread) -> None:
    """Wait until some session waits for a lock that ``holder`` has (PostgreSQL only)."""
    if database.is_sqlite:
        # SQLite cannot show which connection waits for a lock. The call either waits for
        # the write lock or runs after the commit, and both orders must give one result.
        time.sleep(0.2)
        return
    holder_pid = holder.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    with database.engine.connect() as observer:
        for _ in range(1000):
            if not thread.is_alive():
                raise AssertionError("the service call ended without waiting for the lock")
            blocked = observer.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity "
                f"WHERE {int(holder_pid)} = ANY(pg_blocking_pids(pid))"
            ).scalar_one()
            # pg_stat_activity keeps one snapshot per transaction, so end it to poll again.
            observer.rollback()
            if blocked:
                return
            time.sleep(0.01)
    raise AssertionError("the service call never waited for the open transaction")


def run_while_holding(database: Database, hold: Callable[[Connection], None],
                      call: Callable[[], object]) -> Exception | None:
    """Run ``hold`` in an open write transaction, then ``call`` in a thread, then commit.

    Return what ``call`` raised, or None.
    """
    outcome: list[Exception | None] = []

    def run_call() -> None:
        try:
            call()
        except Exception as error:
            outcome.append(error)
        else:
            outcome.append(None)

    thread = threading.Thread(target=run_call)
    with database.write() as holder:
        hold(holder)
        thread.start()
        wait_until_blocked(database, holder, thread)
    thread.join(timeout=30)
    assert not thread.is_alive()
    return outcome[0]


def new_course(class_id: str) -> CourseRecord:
    return CourseRecord(id=ids.new_id(), class_id=class_id, name="Course", external_id=None,
                        days_limit=5, activity_hours_limit=10, public_access_token="ABCD",
                        status="online")


def test_class_delete_racing_course_insert(database: Database) -> None:
    services = Services.build(database, ManualClock(CLOCK_START_MS))
    org_id = services.organizations.create("Racing organization").org_id
    lab_class = services.classes.create(org_id, ClassCreate(name="Lab"))
    course = new_course(lab_class.id)

    outcome = run_while_holding(
        database,
        lambda holder: course_store.insert_course_of_class(holder, org_id, course,
                                                          CLOCK_START_MS),
        lambda: services.classes.delete(org_id, lab_class.id),
    )

    assert isinstance(outcome, ClassInUse), outcome
    assert services.classes.get(org_id, lab_class.id) == lab_class
    assert services.courses.get(org_id, course.id) == course


def test_course_create_racing_class_delete(database: Database) -> None:
    services = Services.build(database, ManualClock(CLOCK_START_MS))
    org_id = services.organizations.create("Racing organization").org_id
    lab_class = services.classes.create(org_id, ClassCreate(name="Lab"))
    body = CourseCreate(name="Course", class_id=lab_class.id, days_limit=5,
                        activity_hours_limit=10, status="online")

    outcome = run_while_holding(
        database,
        lambda holder: class_store.delete_unused_class(holder, org_id, lab_class.id),
        lambda: services.courses.create(org_id, body),
    )

    assert isinstance(outcome, ClassNotFound), outcome
    assert services.courses.list(org_id, None).items == []
    with pytest.raises(ClassNotFound):
        services.classes.get(org_id, lab_class.id)


def test_first_organization_created_once(database: Database) -> None:
    services = Services.build(database, ManualClock(CLOCK_START_MS))
    first = OrganizationRecord(id=ids.new_id(), name="First", api_key_hash="0" * 64,
                               created_at=CLOCK_START_MS)

    def create_first_organization(holder: Connection) -> None:
        organization_store.lock_organizations(holder)
        organization_store.insert_organization(holder, first)

    outcome = run_while_holding(
        database,
        create_first_organization,
        lambda: services.organizations.create_first("Second"),
    )

    assert outcome is None
    assert [organization.id for organization in services.organizations.list()] == [first.id]
