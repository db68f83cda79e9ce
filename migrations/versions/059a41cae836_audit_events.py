"""The audit trail: administration events, which the database refuses to change or delete.

`audit_events` keeps one row per event (accounts, logins, settings, partner links, undone
imports). Triggers make the rows append-only for every database role, the app's included:
on PostgreSQL a trigger function raises, on SQLite two triggers RAISE(ABORT). Both report a
restrict violation, which the driver raises as an IntegrityError. The actor has no foreign
key, so no user's removal can touch a row.

Revision ID: 059a41cae836
Revises: a1c2e3f4b5d6
Create Date: 2026-12-08 10:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.db_types import UTCDateTime

revision = "059a41cae836"
down_revision = "a1c2e3f4b5d6"
branch_labels = None
depends_on = None

ACTIONS = (
    "user_created", "user_changed", "user_deactivated", "user_reactivated",
    "password_reset_requested", "password_reset_done", "invitation_accepted",
    "password_changed", "login_succeeded", "login_failed", "settings_changed",
    "partner_link_made", "partner_link_replaced", "partner_link_shut", "partner_link_reopened",
    "import_undone",
)  # fmt: skip
OBJECTS = ("user", "settings", "partner", "import_batch")
REFUSAL = "audit_events rows are never changed or deleted"


def upgrade():
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "action",
            sa.Enum(*ACTIONS, name="auditaction", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_email", sa.String(length=254), nullable=False),
        sa.Column(
            "object_type",
            sa.Enum(*OBJECTS, name="auditobject", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("object_label", sa.String(length=300), nullable=False),
        sa.Column("before", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("after", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(
            "ix_audit_events_object", ["object_type", "object_id"], unique=False
        )
    refuse_changes()


def refuse_changes() -> None:
    """Triggers that refuse UPDATE and DELETE of any audit row."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'restrict_violation'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()"
        )
        return
    for statement in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_events_no_{statement.lower()} BEFORE {statement} "
            f"ON audit_events BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_refuse_change()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_object")
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))
    op.drop_table("audit_events")
