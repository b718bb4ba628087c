"""Notices: each digest's Message-ID, sendings that may have gone, and notices received in
place of a council

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 10:00:00.000000

- notification_recipients.message_id: the digest's Message-ID, recorded with the claim before
  the digest is sent, so a run that finds the claim abandoned knows a digest may have gone.
- notification_recipients.possibly_emailed_at: when a sending began that ended without an
  answer; such a notice is never e-mailed again. A claim already abandoned when this revision
  runs is settled the same way by the next delivery run.
- notification_recipients.in_place_of_council: the person was told because the council has
  no officer account. Notices recorded before this revision keep false.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notification_recipients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "in_place_of_council", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.add_column(sa.Column("message_id", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("possibly_emailed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("notification_recipients", schema=None) as batch_op:
        batch_op.drop_column("possibly_emailed_at")
        batch_op.drop_column("message_id")
        batch_op.drop_column("in_place_of_council")
