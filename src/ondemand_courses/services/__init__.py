"""The rules of the product, between the routes and the store.

Each public method is one use case and one transaction: it opens it through
``Database.read`` or ``Database.write``, which commit when the block ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from ondemand_courses.clock import Clock
from ondemand_courses.services.classes import ClassService
from ondemand_courses.services.courses import CourseService
from ondemand_courses.services.enrollments import EnrollmentService
from ondemand_courses.services.learners import LearnerService
from ondemand_courses.services.organizations import OrganizationService
from ondemand_courses.store.database import Database


@dataclass(frozen=True)
class Services:
    organizations: OrganizationService
    classes: ClassService
    courses: CourseService
    enrollments: EnrollmentService
    learners: LearnerService
    database: Database

    @classmethod
    def build(cls, database: Database, clock: Clock) -> Services:
        return cls(
            organizations=OrganizationService(database, clock),
            classes=ClassService(database, clock),
            courses=CourseService(database, clock),
            enrollments=EnrollmentService(database, clock),
            learners=LearnerService(database, clock),
            database=database,
        )
