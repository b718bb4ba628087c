"""Server-side sessions, per-browser sign-in counts, password reset links, two-step sign-in

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 18:00:00.000000

- user_sessions: one row per signed-in browser, found by the SHA-256 of the token its cookie
  carries; signing out ends that row. users.session_key, the per-person key that every
  cookie used to carry (and that signing out never changed), goes: everyone signs in again.
- sign_in_failures counts per e-mail address and device: '' for browsers not trusted for the
  account, or the id in a trusted browser's device cookie.
- password_resets and recovery_codes keep only hashes; users gain the two-step secret and the
  last time step accepted.

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SESSION_ENDS = (
    "signed_out",
    "signed_out_everywhere",
    "password_changed",
    "password_reset",
    "deactivated",
    "two_step_reset",
)


def upgrade():
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "end_reason",
            sa.Enum(*SESSION_ENDS, name="session_end", native_enum=False, create_constraint=True),
            nullable=True,
        ),
        sa.Column("client_address", sa.String(length=45), nullable=False),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "password_resets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_password_resets_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_resets")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_resets_token_hash")),
    )
    with op.batch_alter_table("password_resets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_resets_user_id"), ["user_id"], unique=False)

    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
        sa.UniqueConstraint(
            "user_id", "code_hash", name=op.f("uq_recovery_codes_user_id_code_hash")
        ),
    )
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_codes_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("device", sa.String(length=43), server_default="", nullable=False)
        )
        batch_op.drop_constraint("uq_sign_in_failures_email", type_="unique")
        batch_op.create_unique_constraint("uq_sign_in_failures_email_device", ["email", "device"])

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("two_step_secret", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("two_step_last_step", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("two_step_enabled_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.drop_constraint("uq_users_session_key", type_="unique")
        batch_op.drop_column("session_key")


def downgrade():
    # Each account gets a new random session key, as if its password had changed.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_key", sa.String(length=64), nullable=True))
    users = sa.table("users", sa.column("id", sa.Integer()), sa.column("session_key", sa.String()))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(session_key=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("session_key", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint("uq_users_session_key", ["session_key"])
        batch_op.drop_column("two_step_enabled_at")
        batch_op.drop_column("two_step_last_step")
        batch_op.drop_column("two_step_secret")

    # Counts per browser fold back into one per address: the highest stands.
    failures = sa.table(
        "sign_in_failures",
        sa.column("id", sa.Integer()),
        sa.column("email", sa.String()),
        sa.column("failures", sa.Integer()),
    )
    duplicate = failures.alias("duplicate")
    connection.execute(
        failures.delete().where(
            sa.exists().where(
                duplicate.c.email == failures.c.email,
                sa.or_(
                    duplicate.c.failures > failures.c.failures,
                    sa.and_(
                        duplicate.c.failures == failures.c.failures, duplicate.c.id < failures.c.id
                    ),
                ),
            )
        )
    )
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.drop_constraint("uq_sign_in_failures_email_device", type_="unique")
        batch_op.create_unique_constraint("uq_sign_in_failures_email", ["email"])
        batch_op.drop_column("device")

    for table in ("recovery_codes", "password_resets", "user_sessions"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_user_id")
        op.drop_table(table)
