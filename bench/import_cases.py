"""What the import benchmark times in the app: an import as `flask import FILE
--create-missing` makes it, stage by stage, and the undo of a batch."""

from __future__ import annotations

import resource
import time
from pathlib import Path


def peak_mb() -> float:
    """This process's peak resident memory. VmHWM, because ru_maxrss carries over the parent's
    peak across fork and exec; ru_maxrss where there is no /proc. A PostgreSQL server's own
    memory is not in it."""
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_import(file: Path, url: str) -> dict:
    """Read, check and write `file` into the database at `url`, and commit."""
    from sqlalchemy import select

    from app import create_app
    from app.auth.models import User
    from app.extensions import db
    from app.timeutil import utcnow
    from imports import services
    from imports.commit import commit_plan
    from imports.plan import plan_import

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        user = db.session.scalar(select(User).order_by(User.id).limit(1))
        times = [time.perf_counter()]
        cpu = time.process_time()
        batch, table = services.start_batch(
            db.session, file.read_bytes(), file.name, user=user, sheet=None, now=utcnow(),
            max_rows=app.config["IMPORT_MAX_ROWS"],
        )  # fmt: skip
        batch.create_missing = True
        times.append(time.perf_counter())
        plan = plan_import(db.session, table, batch.mapping, user=user, create_missing=True)
        times.append(time.perf_counter())
        commit_plan(db.session, batch, plan, user=user, now=utcnow(),
                    tag_prefix="INV-", tag_digits=6)  # fmt: skip
        times.append(time.perf_counter())
        db.session.commit()
        times.append(time.perf_counter())
        stages = {name: after - before for name, before, after in
                  zip(("read", "check", "write", "commit"), times, times[1:], strict=False)}  # fmt: skip
        return {"seconds": times[-1] - times[0], "cpu": time.process_time() - cpu, **stages,
                "rows": len(table.rows), "counts": plan.counts, "errors": plan.errors[:5],
                "peak_mb": peak_mb()}  # fmt: skip


def measure_undo(file: Path, url: str) -> dict:
    """Undo the import of `file` in the database at `url` (what the batch page's Undo does)."""
    from sqlalchemy import select

    from app import create_app
    from app.auth.models import User
    from app.extensions import db
    from app.timeutil import utcnow
    from imports.models import BatchStatus, ImportBatch
    from imports.undo import undo

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context(), app.test_request_context():
        user = db.session.scalar(select(User).order_by(User.id).limit(1))
        batch = db.session.scalar(select(ImportBatch).where(
            ImportBatch.filename == file.name, ImportBatch.status == BatchStatus.COMMITTED))  # fmt: skip
        started, cpu = time.perf_counter(), time.process_time()
        report = undo(db.session, batch, user=user, now=utcnow())
        db.session.commit()
        seconds = time.perf_counter() - started
        counts = {name: len(tags) for name, tags in report.items()}
        return {"seconds": seconds, "cpu": time.process_time() - cpu, "peak_mb": peak_mb(),
                "rows": counts["removed"] + counts["restored"], "counts": counts, "errors": []}  # fmt: skip
