"""A council's public page reads its service improvements from indexes

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 04:00:00.000000

The public performance page counts the council's upheld cases on show that have a service
improvement. It read every upheld case of the council from the table and every service
improvement in the database (a hash join over all recommendations: 555 ms for the largest
council at 1M cases). Two partial indexes let it read the council's upheld cases from an
index (the id in it, for PostgreSQL's index-only scan) and probe each case's service
improvements in another. New indexes only: the migration runs ahead of a rolling deployment.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# Repeated from the models on purpose: a migration stays what it was when the model moves on.
UPHELD_PREDICATE = "outcome = 'upheld'"
SERVICE_IMPROVEMENT_PREDICATE = "kind = 'service_improvement'"


def upgrade():
    op.create_index(
        "ix_cases_upheld_by_authority",
        "cases",
        ["authority_id", "decision_date", "public_report", "id"],
        postgresql_where=sa.text(UPHELD_PREDICATE),
        sqlite_where=sa.text(UPHELD_PREDICATE),
    )
    op.create_index(
        "ix_recommendations_service_improvement_case_id",
        "recommendations",
        ["case_id"],
        postgresql_where=sa.text(SERVICE_IMPROVEMENT_PREDICATE),
        sqlite_where=sa.text(SERVICE_IMPROVEMENT_PREDICATE),
    )


def downgrade():
    op.drop_index("ix_recommendations_service_improvement_case_id", table_name="recommendations")
    op.drop_index("ix_cases_upheld_by_authority", table_name="cases")
