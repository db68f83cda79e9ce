"""Races for the reuse tests: in threads here, in processes in `processes.py`.

Each racer has its own connection and commits or rolls back on its own, so the database alone
decides who wins, as in production. Races repeat 50 times on PostgreSQL, fewer on SQLite, which
takes one writer at a time anyway.
"""

import os
import threading

from sqlalchemy.orm import Session

from reuse.errors import ReuseError

REPEAT = 50 if os.environ.get("TEST_DATABASE_URL") else 5


def race(app, target, arguments: list) -> list[str]:
    """Run `target(session, argument)` in one thread per argument, released together; each
    thread commits or rolls back on its own connection. Returns each outcome."""
    with app.app_context():
        from app.extensions import db

        engine = db.engine
    barrier = threading.Barrier(len(arguments))
    outcomes: list[str] = []

    def run(argument) -> None:
        with app.test_request_context(), Session(engine) as session:
            barrier.wait()
            try:
                target(session, argument)
                session.commit()
                outcomes.append("won")
            except ReuseError as error:
                session.rollback()
                outcomes.append(f"refused: {error}")

    threads = [threading.Thread(target=run, args=(a,)) for a in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
