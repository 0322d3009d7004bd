"""Add the activity limit and the learner token hash to enrollments

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("activity_limit_ms", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("learner_token_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_enrollments_learner_token_hash"), ["learner_token_hash"]
        )


def downgrade() -> None:
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_enrollments_learner_token_hash"), type_="unique")
        batch_op.drop_column("learner_token_hash")
        batch_op.drop_column("activity_limit_ms")
