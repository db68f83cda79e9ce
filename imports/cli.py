"""`flask --app app import FILE`: the same import as the web page, for big files and scripts."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.timeutil import utcnow
from imports import services
from imports.commit import ImportRefused
from imports.merged import MergedCells
from imports.places import load_places
from imports.reading import ImportRejected
from imports.value_choices import BadChoice, parse_choice

SHOWN_ERRORS = 50


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sheet", help="The workbook's sheet to read (default: the first visible one).")
@click.option("--dry-run", is_flag=True, help="Show what would happen; change nothing.")
@click.option("--create-missing", is_flag=True, help="Create departments, storerooms, sites "
              "and categories the file names that do not exist yet.")  # fmt: skip
@click.option("--all-or-nothing", is_flag=True, help="Import nothing if any row has an error.")
@click.option("--fill-merged", is_flag=True, help="Where cells are merged over several rows, "
              "use their value for every row (otherwise such a file is refused).")  # fmt: skip
@click.option("--user", "email", help="Whose import it is (default: the first admin).")
@click.option("--choose", "choices", multiple=True, metavar="KIND:VALUE=WHAT",
              help="What a value of the file is, as the preview's choices say it: "
              "department:Facility=Facilities, storeroom:Rudsskolan/Vinden=R-12 (a storeroom "
              "by its code, at a site if the file has a site column), category:Stolar=Möbler > "
              "Stolar, condition:Halvbra=fair, or =new to create it. Repeat for more; "
              "remembered for later files.")  # fmt: skip
@with_appcontext
def import_command(
    file: Path, sheet: str | None, dry_run: bool, create_missing: bool, all_or_nothing: bool,
    fill_merged: bool, email: str | None, choices: tuple[str, ...],
) -> None:  # fmt: skip
    """Import a stock list (xlsx, xls, ods or CSV); print created, updated, unchanged, errors."""
    user = _user(email)
    chosen = _choices(choices)
    now = utcnow()
    config = current_app.config
    with _refusals_shown():
        batch, table = services.start_batch(
            db.session, file.read_bytes(), file.name, user=user, sheet=sheet, now=now,
            max_rows=config["IMPORT_MAX_ROWS"], fill_merged=fill_merged,
        )  # fmt: skip
        batch.create_missing, batch.all_or_nothing = create_missing, all_or_nothing
        batch.value_choices = chosen
        if dry_run:
            plan = services.preview(db.session, batch, table, user=user)
        else:
            plan = services.commit(
                db.session, batch, table, user=user, now=now,
                tag_prefix=config["TAG_PREFIX"], tag_digits=config["TAG_DIGITS"],
            )  # fmt: skip
    _print_errors(plan.errors)
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run, nothing changed: {_summary(plan.counts)}")
    else:
        db.session.commit()
        click.echo(f"{_summary(plan.counts)} (batch {batch.id})")


@contextmanager
def _refusals_shown() -> Iterator[None]:
    """A file we cannot read, or an import refused: nothing kept, and the reason shown."""
    try:
        yield
    except MergedCells as error:
        db.session.rollback()
        raise click.ClickException(
            f"Merged cells in column {error.column}, rows {error.first}–{error.last}: unmerge "
            "them, or use --fill-merged to use the value for every row."
            if error.fillable
            else str(error)
        ) from None
    except (ImportRejected, ImportRefused) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None


def _summary(counts: dict[str, int]) -> str:
    return (
        f"created {counts['new']}, updated {counts['update']}, "
        f"unchanged {counts['unchanged']}, errors {counts['error']}"
    )


def _print_errors(errors: list[tuple[int, str, str]]) -> None:
    """The first errors by row and column, on standard error."""
    for number, column, reason in errors[:SHOWN_ERRORS]:
        click.echo(f"row {number}, {column}: {reason}", err=True)
    if len(errors) > SHOWN_ERRORS:
        click.echo(f"... and {len(errors) - SHOWN_ERRORS} more errors", err=True)


def _choices(texts: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """The --choose options, as the preview's form keeps them."""
    places = load_places(db.session)
    chosen: dict[str, dict[str, str]] = {}
    for text in texts:
        try:
            kind, key, choice = parse_choice(text, places)
        except BadChoice as error:
            raise click.BadParameter(str(error), param_hint="--choose") from None
        chosen.setdefault(kind, {})[key] = choice
    return chosen


def _user(email: str | None) -> User:
    query = select(User).where(User.email == email) if email else (
        select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1)
    )  # fmt: skip
    user = db.session.scalar(query)
    if user is None:
        raise click.ClickException(
            f"No user {email}." if email else "No admin yet: run setup or create-user first."
        )
    return user
