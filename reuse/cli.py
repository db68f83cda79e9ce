"""`flask --app app reuse ...`: the reuse commands meant for cron."""

import click
from flask.cli import AppGroup

from app.extensions import db
from app.timeutil import utcnow
from reuse import services

reuse_cli = AppGroup("reuse", help="Reuse: move listings up the ladder of audiences, and more.")


@reuse_cli.command("tick")
def tick_command() -> None:
    """Move listings whose window ended with nothing approved to their next audience.

    Meant for a daily cron job; pages run it too, and it is safe to run twice at once."""
    moved = services.tick(db.session, now=utcnow())
    db.session.commit()
    click.echo(f"{moved} listing(s) moved to a wider audience.")
