"""Statistics read their counts from indexes alone

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 01:00:00.000000

The statistics count each authority's decisions by year and outcome, and its compliance
outcomes by year. The two indexes on (authority_id, decision_date) and (authority_id,
compliance_date) gain the columns those counts read, so that PostgreSQL answers with an
index-only scan and SQLite with a covering index instead of visiting every case. A partial
index on the compliance dates recorded gives the first and last of them without a scan. The new
indexes are built before the old ones go, and every query the old ones served uses the new
ones (same leading columns), so the migration can run ahead of a rolling deployment.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

DECIDED = ["authority_id", "decision_date", "outcome", "satisfactory_remedy", "public_report"]
RECORDED = ["authority_id", "compliance_date", "compliance_outcome"]


def upgrade():
    op.create_index("ix_cases_decided_by_authority", "cases", DECIDED)
    op.create_index("ix_cases_compliance_by_authority", "cases", RECORDED)
    op.create_index(
        "ix_cases_compliance_date",
        "cases",
        ["compliance_date"],
        postgresql_where=sa.text("compliance_date IS NOT NULL"),
        sqlite_where=sa.text("compliance_date IS NOT NULL"),
    )
    op.drop_index("ix_cases_authority_id_decision_date", table_name="cases")
    op.drop_index("ix_cases_authority_id_compliance_date", table_name="cases")


def downgrade():
    op.create_index("ix_cases_authority_id_decision_date", "cases", DECIDED[:2])
    op.create_index("ix_cases_authority_id_compliance_date", "cases", RECORDED[:2])
    op.drop_index("ix_cases_compliance_date", table_name="cases")
    op.drop_index("ix_cases_decided_by_authority", table_name="cases")
    op.drop_index("ix_cases_compliance_by_authority", table_name="cases")
