"""The learner's side of an enrollment, reached through the course link.

A learner proves who they are once, with their email and the course's public access
token. The server then gives their browser a random learner token, kept as a cookie.
Only its hash is stored, and it recognises the learner on later pages and heartbeats.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from sqlalchemy import Connection

from ondemand_courses import ids
from ondemand_courses.clock import Clock
from ondemand_courses.errors import CourseNotFound
from ondemand_courses.services import lifecycle
from ondemand_courses.services.lifecycle import EnrollmentState
from ondemand_courses.store import courses as course_store
from ondemand_courses.store import enrollments as store
from ondemand_courses.store.database import Database
from ondemand_courses.store.records import CourseRecord, EnrollmentRecord


class WrongAccessToken(Exception):
    """The access token is not the course's public access token."""


class CourseOffline(Exception):
    """The course is offline, and starting the enrollment would be a new start."""


@dataclass(frozen=True)
class StartedLearner:
    """The learner's enrollment after the start form, and the token for their cookie."""

    state: EnrollmentState
    learner_token: str


class LearnerService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    def find_course(self, course_id: str) -> CourseRecord:
        with self._database.read() as connection:
            found = course_store.find_course_in_any_organization(connection, course_id)
        if found is None:
            raise CourseNotFound(course_id)
        return found[1]

    def start(self, course_id: str, email: str, access_token: str) -> StartedLearner:
        """Start the learner's enrollment, enrolling the email first if it is new.

        A learner whose enrollment already started (or ended) is only recognised again,
        on this browser; the learner token of any other browser stops working.
        """
        now_ms = self._clock.now_ms()
        learner_token = ids.new_learner_token()
        with self._database.write() as connection:
            found = course_store.find_course_in_any_organization(connection, course_id)
            if found is None:
                raise CourseNotFound(course_id)
            org_id = found[0]
            # A course delete takes the same row lock. So either the delete runs first and
            # the course is gone here, or the delete's check finds this started enrollment.
            course = course_store.lock_course(connection, org_id, course_id)
            if course is None:
                raise CourseNotFound(course_id)
            if not _is_access_token(course, access_token):
                raise WrongAccessToken()

            stored = store.find_enrollment_by_email(connection, org_id, course_id, email)
            if stored is None:
                if course.status != "online":
                    raise CourseOffline()
                stored = EnrollmentRecord(id=ids.new_id(), org_id=org_id, course_id=course_id,
                                          email=email, status="enrolled", enrolled_at=now_ms)
                store.insert_enrollment(connection, stored)

            current = lifecycle.as_of(stored, now_ms)
            if current.status == "enrolled":
                if course.status != "online":
                    raise CourseOffline()
                current = lifecycle.start(current, days_limit=course.days_limit,
                                          activity_hours_limit=course.activity_hours_limit,
                                          now_ms=now_ms)
            else:
                current = lifecycle.touch(current, now_ms)
            changes = lifecycle.changes_between(stored, current)
            changes["learner_token_hash"] = ids.hash_learner_token(learner_token)
            store.update_enrollment(connection, current.id, changes)
        return StartedLearner(lifecycle.state_of(current, now_ms), learner_token)

    def view(self, course_id: str, learner_token: str) -> EnrollmentState | None:
        """Return the learner's enrollment as they open its page, or None if unknown."""
        return self._update(course_id, learner_token, lifecycle.touch)

    def heartbeat(self, course_id: str, learner_token: str) -> EnrollmentState | None:
        """Credit active time for an open page; None if the learner token is unknown."""
        return self._update(course_id, learner_token, lifecycle.heartbeat)

    def finish(self, course_id: str, learner_token: str) -> EnrollmentState | None:
        """Move a started enrollment to finished; other statuses stay as they are."""

        def finish_started(record: EnrollmentRecord, now_ms: int) -> EnrollmentRecord:
            if record.status != "started":
                return record
            return lifecycle.move_to(record, "finished", now_ms)

        return self._update(course_id, learner_token, finish_started)

    def _update(self, course_id: str, learner_token: str,
                change: lifecycle.RecordChange) -> EnrollmentState | None:
        now_ms = self._clock.now_ms()
        token_hash = ids.hash_learner_token(learner_token)
        with self._database.write() as connection:
            stored = store.find_enrollment_by_learner_token(connection, course_id, token_hash,
                                                            lock=True)
            if stored is None:
                return None
            changed = change(lifecycle.as_of(stored, now_ms), now_ms)
            _store_changes(connection, stored, changed)
        return lifecycle.state_of(changed, now_ms)


def _is_access_token(course: CourseRecord, access_token: str) -> bool:
    """Compare in constant time; learners may type the four letters in lower case."""
    typed = access_token.strip().upper().encode("utf-8")
    return hmac.compare_digest(typed, course.public_access_token.encode("utf-8"))


def _store_changes(connection: Connection, before: EnrollmentRecord,
                   after: EnrollmentRecord) -> None:
    changes = lifecycle.changes_between(before, after)
    if changes:
        store.update_enrollment(connection, after.id, changes)
