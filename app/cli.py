"""Command-line commands, all under `flask --app app`. Each commits once, at the end."""

import logging
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app import backup
from app.audit.models import AuditAction
from app.audit.record import LOCKED, UNLOCKED, record_event, user_state, user_target
from app.auth import services as accounts
from app.auth.roles import ROLE_LABELS, Role
from app.demo import DemoSettings, load_demo
from app.extensions import db
from app.folding import folded
from app.timeutil import utcnow
from inventory.item_photos import PhotoQuota
from inventory.models import Department, Item
from inventory.place_records import save_department

log = logging.getLogger("reshelf")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option(
    "--department",
    "department_name",
    required=True,
    help="Home department; created if it does not exist.",
)
@click.option("--name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user_command(
    email: str, role: str, department_name: str, name: str, password_stdin: bool
) -> None:
    """Create a user account."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    department = db.session.scalar(
        db.select(Department).where(Department.name_key == folded(department_name.strip()))
    ) or save_department(db.session, department_name)
    try:
        user = accounts.create_user(
            db.session, email, role=Role(role), department=department, name=name, password=password
        )
    except accounts.AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    record_event(
        db.session,
        AuditAction.USER_CREATED,
        user_target(user),
        actor=None,  # the command line: whoever runs it has the server, not an account
        remote_addr=None,
        now=utcnow(),
        after=user_state(db.session, user),
    )
    db.session.commit()
    click.echo(f"Created {user.email} ({role}, {department.name}).")


@click.command("unlock-user")
@click.argument("email")
@with_appcontext
def unlock_user_command(email: str) -> None:
    """Open an account that failed logins from many addresses locked (for when no admin can
    log in to do it on the users page)."""
    user = accounts.find_user_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    unlocked = accounts.unlock_account(db.session, user, by=None)
    if unlocked:
        record_event(
            db.session,
            AuditAction.ACCOUNT_UNLOCKED,
            user_target(user),
            actor=None,  # as for create-user: the command line has no account
            remote_addr=None,
            now=utcnow(),
            before=LOCKED,
            after=UNLOCKED,
        )
    db.session.commit()
    click.echo(f"Unlocked {user.email}." if unlocked else f"{user.email} was not locked.")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load demo data into an empty database and print the demo accounts."""
    if accounts.any_user_exists(db.session) or db.session.scalar(db.select(Item.id).limit(1)):
        raise click.ClickException("The database is not empty; demo data goes into an empty one.")
    config = current_app.config
    people = load_demo(db.session, now=utcnow(), settings=demo_settings(config),
                       import_max_rows=config["IMPORT_MAX_ROWS"])  # fmt: skip
    db.session.commit()
    click.echo("Demo data loaded. Accounts (the passwords are new on every load):")
    for user in sorted(people.users, key=lambda user: list(Role).index(user.role)):
        click.echo(f"  {str(ROLE_LABELS[user.role]):<18} {user.name:<16} "
                   f"{user.department.name:<24} {user.email:<32} {people.passwords[user.email]}")  # fmt: skip


def demo_settings(config) -> DemoSettings:
    """The settings the demo writes with, from the app's config."""
    return DemoSettings(
        tag_prefix=config["TAG_PREFIX"], tag_digits=config["TAG_DIGITS"],
        photo_max_pixels=config["PHOTOS_MAX_PIXELS"], photo_full_size=config["PHOTOS_FULL_SIZE"],
        photo_thumb_size=config["PHOTOS_THUMB_SIZE"],
        photo_quota=PhotoQuota(per_item=config["PHOTOS_MAX_PER_ITEM"],
                               per_user_per_day=config["PHOTOS_MAX_PER_USER_PER_DAY"],
                               bytes_per_user=config["PHOTOS_MAX_BYTES_PER_USER"]),
    )  # fmt: skip


@click.command("backup")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The backup file to write (replaced if it exists).",
)
@with_appcontext
def backup_command(output: Path) -> None:
    """Back up the whole database, photos included, to one file."""
    try:
        revision = backup.back_up(db.engine, output)
    except backup.BackupError as error:
        log.warning("backup failed", extra={"file": str(output), "reason": str(error)})
        raise click.ClickException(str(error)) from None
    log.info("database backed up", extra={"file": str(output), "revision": revision})
    click.echo(f"Backed up the database (migration revision {revision}) to {output}.")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    """Restore a backup made by `backup` into an empty database."""
    scripts = backup.migration_scripts(current_app.extensions["migrate"].directory)
    try:
        revision = backup.restore(db.engine, file, scripts)
    except backup.BackupError as error:
        log.warning("restore not done", extra={"file": str(file), "reason": str(error)})
        raise click.ClickException(str(error)) from None
    log.info("database restored", extra={"file": str(file), "revision": revision})
    head = scripts.get_current_head()
    click.echo(f"Restored {file}: the database is at migration revision {revision}.")
    if revision == head:
        click.echo(
            "That is this version's revision: `flask --app app db upgrade` has nothing to do."
        )
    else:
        click.echo(
            f"Now run `flask --app app db upgrade` to bring it forward to this version's "
            f"revision {head}, before starting the app."
        )


def register_commands(app: Flask) -> None:
    from app.api.cli import create_token_command
    from app.background import worker_command
    from imports.cli import import_command
    from imports.export_cli import export_command
    from labels.cli import labels_command
    from reuse.cli import reuse_cli

    commands = (
        create_user_command, unlock_user_command, demo_command, labels_command, import_command,
        export_command, reuse_cli, backup_command, restore_command, worker_command,
        create_token_command,
    )  # fmt: skip
    for command in commands:
        app.cli.add_command(command)
