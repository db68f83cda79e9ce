"""`flask --app app reuse ...`: the reuse commands meant for cron."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.timeutil import utcnow
from reuse.listings import services
from reuse.notices import mail

reuse_cli = AppGroup("reuse", help="Reuse: move listings up the ladder of audiences, and more.")


@reuse_cli.command("tick")
def tick_command() -> None:
    """Move listings whose window ended with nothing approved to their next audience.

    For cron; the background worker also runs it every REUSE_TICK_SECONDS (reuse/tasks.py),
    and it is safe to run twice at once."""
    moved = services.tick(db.session, now=utcnow())
    db.session.commit()
    click.echo(f"{moved} listing(s) moved to a wider audience.")


@reuse_cli.command("send-mail")
def send_mail_command() -> None:
    """Send notification mail still waiting, and retry mail that failed in the last 3 days.

    For cron beside `reuse tick`: mail normally goes right after each change, and the
    background worker retries every 15 minutes; this catches what a worker that is not running
    or an unreachable mail server left behind."""
    config = current_app.config
    settings = mail.mail_settings(config)
    if settings is None:
        raise click.ClickException("No MAIL_SERVER is set: notifications stay in the inbox.")
    sent, failed = mail.send_pending(
        db.session, settings, base_url=config["PUBLIC_BASE_URL"], now=utcnow(), retry=True,
        default_language=config["BABEL_DEFAULT_LOCALE"],
    )  # fmt: skip
    click.echo(f"{sent} sent, {failed} failed.")
