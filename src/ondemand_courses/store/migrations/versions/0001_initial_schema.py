"""Create organizations, classes, courses and enrollments

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=17), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("api_key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_organizations")),
        sa.UniqueConstraint("id", name=op.f("uq_organizations_id")),
    )
    op.create_table(
        "classes",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=17), nullable=False),
        sa.Column("org_id", sa.String(length=17), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_classes_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_classes")),
        sa.UniqueConstraint("id", name=op.f("uq_classes_id")),
    )
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_classes_org_id_seq"), ["org_id", "seq"], unique=False)

    op.create_table(
        "courses",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=17), nullable=False),
        sa.Column("org_id", sa.String(length=17), nullable=False),
        sa.Column("class_id", sa.String(length=17), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("days_limit", sa.Integer(), nullable=False),
        sa.Column("activity_hours_limit", sa.Integer(), nullable=False),
        sa.Column("public_access_token", sa.String(length=4), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_courses_class_id_classes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_courses_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_courses")),
        sa.UniqueConstraint("id", name=op.f("uq_courses_id")),
    )
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_courses_class_id"), ["class_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_courses_org_id_seq"), ["org_id", "seq"], unique=False)

    op.create_table(
        "enrollments",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=17), nullable=False),
        sa.Column("org_id", sa.String(length=17), nullable=False),
        sa.Column("course_id", sa.String(length=17), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("email_key", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("enrolled_at", sa.BigInteger(), nullable=False),
        sa.Column("started_at", sa.BigInteger(), nullable=True),
        sa.Column("end_date", sa.BigInteger(), nullable=True),
        sa.Column("first_activity", sa.BigInteger(), nullable=True),
        sa.Column("paused_at", sa.BigInteger(), nullable=True),
        sa.Column("stopped_at", sa.BigInteger(), nullable=True),
        sa.Column("expired_at", sa.BigInteger(), nullable=True),
        sa.Column("finished_at", sa.BigInteger(), nullable=True),
        sa.Column("inactivated_at", sa.BigInteger(), nullable=True),
        sa.Column("active_ms", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("last_heartbeat_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_enrollments_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_enrollments")),
        sa.UniqueConstraint(
            "course_id", "email_key", name=op.f("uq_enrollments_course_id_email_key")
        ),
        sa.UniqueConstraint("id", name=op.f("uq_enrollments_id")),
    )
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enrollments_course_id_seq"), ["course_id", "seq"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_enrollments_course_id_status"), ["course_id", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrollments_course_id_status"))
        batch_op.drop_index(batch_op.f("ix_enrollments_course_id_seq"))

    op.drop_table("enrollments")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courses_org_id_seq"))
        batch_op.drop_index(batch_op.f("ix_courses_class_id"))

    op.drop_table("courses")
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_classes_org_id_seq"))

    op.drop_table("classes")
    op.drop_table("organizations")
