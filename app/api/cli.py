"""`flask --app app create-token EMAIL --scope read|write [--name NAME] [--days N]`."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext

from app.api.tokens import TokenScope, make_token, token_target
from app.audit.models import AuditAction
from app.audit.record import record_event
from app.auth import services as accounts
from app.extensions import db
from app.timeutil import utcnow


@click.command("create-token")
@click.argument("email")
@click.option("--scope", type=click.Choice([s.value for s in TokenScope]), required=True)
@click.option("--name", default="", help="What the token is for.")
@click.option("--days", type=click.IntRange(min=1), default=None, help="Expire after N days.")
@with_appcontext
def create_token_command(email: str, scope: str, name: str, days: int | None) -> None:
    """Make an API token for a user and print it (the last word of the last line)."""
    user = accounts.find_user_by_email(db.session, email)
    if user is None or not user.is_active:
        raise click.ClickException(f"No active account for {email}.")
    now = utcnow()
    made = make_token(
        db.session, user, name=name or "Command line", scope=TokenScope(scope), now=now,
        expires_at=now + timedelta(days=days) if days else None,
    )  # fmt: skip
    record_event(
        db.session, AuditAction.TOKEN_CREATED, token_target(made.token), actor=None,
        remote_addr=None, now=now, after={"scope": scope},
    )  # fmt: skip
    db.session.commit()
    click.echo(f"A {scope} token for {user.email}, shown only now. Token: {made.secret}")
