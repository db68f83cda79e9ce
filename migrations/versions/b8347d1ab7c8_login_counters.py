"""Failed logins are counted per account and address, per address and per account.

`login_counters` replaces `login_failures` (a row per failure, counted per e-mail from
anywhere, which let anyone keep an account locked): one row per key, bumped by an upsert;
an account's row also says since when it is locked (app/auth/throttle.py). The failures of
the last minutes are not carried over: at worst an attacker gets the free attempts again.

Revision ID: b8347d1ab7c8
Revises: 059a41cae836
Create Date: 2026-12-10 10:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.db_types import UTCDateTime

revision = "b8347d1ab7c8"
down_revision = "059a41cae836"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_counters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "scope",
            sa.Enum(
                "pair", "address", "account", name="counterscope", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_failure_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_counters")),
        sa.UniqueConstraint("scope", "email", "ip", name=op.f("uq_login_counters_scope")),
    )
    op.create_index(
        op.f("ix_login_counters_last_failure_at"), "login_counters", ["last_failure_at"]
    )
    op.drop_index(op.f("ix_login_failures_ip"), table_name="login_failures")
    op.drop_index(op.f("ix_login_failures_email"), table_name="login_failures")
    op.drop_index(op.f("ix_login_failures_at"), table_name="login_failures")
    op.drop_table("login_failures")


def downgrade():
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index(op.f("ix_login_failures_at"), "login_failures", ["at"])
    op.create_index(op.f("ix_login_failures_email"), "login_failures", ["email"])
    op.create_index(op.f("ix_login_failures_ip"), "login_failures", ["ip"])
    op.drop_index(op.f("ix_login_counters_last_failure_at"), table_name="login_counters")
    op.drop_table("login_counters")
