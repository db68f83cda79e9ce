"""Background work in the database: huey's queue, schedule and keys (app/task_queue.py), and
the token by which an import batch knows the task that may run its job (imports/jobs.py).

Jobs waiting in the threads of the old web processes are not carried over: a batch that was
waiting shows as stopped after IMPORT_JOB_STALL_SECONDS and can be run again.

Revision ID: 9944dd9dd35c
Revises: c4e8a1d2f3b5
Create Date: 2026-12-12 10:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.db_types import UTCDateTime

revision = "9944dd9dd35c"
down_revision = "c4e8a1d2f3b5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "task_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_queue")),
    )
    op.create_index(op.f("ix_task_queue_queue"), "task_queue", ["queue"])
    op.create_table(
        "task_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("run_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_schedule")),
    )
    op.create_index(op.f("ix_task_schedule_run_at"), "task_schedule", ["run_at"])
    op.create_table(
        "task_keys",
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("queue", "key", name=op.f("pk_task_keys")),
    )
    with op.batch_alter_table("import_batches") as batch_op:
        batch_op.add_column(sa.Column("job_token", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("import_batches") as batch_op:
        batch_op.drop_column("job_token")
    op.drop_table("task_keys")
    op.drop_index(op.f("ix_task_schedule_run_at"), table_name="task_schedule")
    op.drop_table("task_schedule")
    op.drop_index(op.f("ix_task_queue_queue"), table_name="task_queue")
    op.drop_table("task_queue")
