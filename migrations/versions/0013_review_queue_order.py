"""The review queue in the order of an index: when each recommendation's evidence was sent

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 02:00:00.000000

The queue waited longest first by the latest submission of each recommendation, worked out by
grouping every submission ever made, then sorted: work that grew with the years. Each
recommendation now keeps when its latest evidence was sent (filled in here from the
submissions), and a partial index over the work awaiting review gives the queue its order.

A new nullable column, filled in, and an index: code running before this migration never
reads the column, and the code after it sets the column on every submission, so the
migration runs ahead of a rolling deployment; a submission made by the old code between the
backfill and the new code's start is found by running the backfill again (it is idempotent).

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Repeated from the model on purpose: a migration stays what it was when the model moves on.
AWAITING_REVIEW_PREDICATE = "status = 'evidence_submitted'"


def upgrade():
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("evidence_submitted_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.execute(
        "UPDATE recommendations SET evidence_submitted_at = ("
        " SELECT max(evidence_submissions.submitted_at) FROM evidence_submissions"
        " WHERE evidence_submissions.recommendation_id = recommendations.id)"
    )
    op.create_index(
        "ix_recommendations_review_queue",
        "recommendations",
        ["evidence_submitted_at", "id"],
        postgresql_where=sa.text(AWAITING_REVIEW_PREDICATE),
        sqlite_where=sa.text(AWAITING_REVIEW_PREDICATE),
    )


def downgrade():
    op.drop_index("ix_recommendations_review_queue", table_name="recommendations")
    # SQLite 3.35 and later drop a column in place, keeping the table's other indexes.
    op.execute("ALTER TABLE recommendations DROP COLUMN evidence_submitted_at")
