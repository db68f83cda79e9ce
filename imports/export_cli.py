"""`flask --app app export`: write the items, or one storeroom's, to an xlsx or CSV file."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.extensions import db
from app.sheets import CSV_STYLES, write_csv, write_xlsx
from imports.export import export_rows
from inventory import place_records, queries
from inventory.models import Item, ItemStatus

FORMATS = (".xlsx", ".csv")


@click.command("export")
@click.option("--storeroom", "storeroom_code", help="Only the items in this storeroom.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write; .xlsx or .csv says which format.",
)
@click.option(
    "--sep",
    type=click.Choice(list(CSV_STYLES)),
    default="comma",
    show_default=True,
    help="CSV only: commas and decimal points, or semicolons and decimal commas (the "
    "spreadsheet settings of Swedish, Danish and Dutch).",
)
@with_appcontext
def export_command(storeroom_code: str | None, output: Path, sep: str) -> None:
    """Export every item that is not disposed of (or a storeroom's) to an xlsx or CSV file."""
    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        raise click.UsageError(f"Name the output file .xlsx or .csv, not {output.name}.")
    query = select(Item).where(Item.status != ItemStatus.DISPOSED)
    if storeroom_code:
        room = place_records.find_storeroom_by_code(db.session, storeroom_code)
        if room is None:
            raise click.ClickException(f"No storeroom has the code {storeroom_code}.")
        query = query.where(Item.storeroom_id == room.id)
    rows = export_rows(db.session, query.order_by(*queries.SORTS["name"].clauses()))
    if suffix == ".xlsx":
        written = write_xlsx(rows, output)
    else:
        with output.open("w", encoding="utf-8", newline="") as out:
            written = write_csv(rows, out, CSV_STYLES[sep])
    noun = "item" if written == 1 else "items"
    click.echo(f"{written} {noun} written to {output}.")
