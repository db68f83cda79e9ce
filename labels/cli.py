"""`flask --app app labels`: print labels from the command line, with no size limit."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.folding import folded
from app.timeutil import utcnow
from inventory import place_records
from inventory.models import Item, ItemStatus, Storeroom
from inventory.signals import IMPORT_BATCH, item_ids_of_group
from labels import services
from labels.formats import DEFAULT_FORMAT, FORMATS
from labels.pdf import render_labels


@click.command("labels")
@click.option("--storeroom", "storeroom_code", help="Labels for the items in this storeroom.")
@click.option("--tags", help="Labels for these tags, comma-separated.")
@click.option("--batch", "batch_id", type=int, help="Labels for the items of this import batch.")
@click.option("--format", "format_name", type=click.Choice(list(FORMATS)), default=DEFAULT_FORMAT)
@click.option("--start", type=int, default=1, help="First free label on a partly used sheet.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def labels_command(
    storeroom_code: str | None,
    tags: str | None,
    batch_id: int | None,
    format_name: str,
    start: int,
    output: Path,
) -> None:
    """Print item labels to a PDF file."""
    items = items_to_print(storeroom_code, tags, batch_id)
    fmt = FORMATS[format_name]
    organisation = services.organisation_name(db.session)
    base = current_app.config["PUBLIC_BASE_URL"]
    labels = [services.item_label(item, base, organisation) for item in items]
    output.write_bytes(render_labels(labels, fmt, start=start))
    services.record_printed(db.session, items, fmt, by=None, now=utcnow())
    db.session.commit()
    click.echo(f"{len(labels)} labels ({fmt.name}) written to {output}.")


def items_to_print(
    storeroom_code: str | None, tags: str | None, batch_id: int | None
) -> list[Item]:
    """The items the options name, by tag; a name that matches nothing is an error."""
    query = select(Item).options(selectinload(Item.storeroom).selectinload(Storeroom.site))
    if storeroom_code:
        room = place_records.find_storeroom_by_code(db.session, storeroom_code)
        if room is None:
            raise click.ClickException(f"No storeroom has the code {storeroom_code}.")
        query = query.where(Item.storeroom_id == room.id, Item.status != ItemStatus.DISPOSED)
    if tags:
        wanted = [folded(tag.strip()) for tag in tags.split(",") if tag.strip()]
        query = query.where(Item.tag_key.in_(wanted))
    if batch_id is not None:
        batch_items = item_ids_of_group(db.session, IMPORT_BATCH, batch_id, user=None)
        if batch_items is None:
            raise click.ClickException(f"There is no import batch {batch_id}.")
        query = query.where(Item.id.in_(batch_items))
    if not (storeroom_code or tags or batch_id is not None):
        raise click.UsageError("Say what to print: --storeroom CODE, --tags T1,T2 or --batch ID.")
    items = db.session.scalars(query.order_by(Item.tag)).all()
    if tags:
        found = {item.tag_key for item in items}
        unknown = [tag for tag in wanted if tag not in found]
        if unknown:
            raise click.ClickException(f"No item has the tag {', '.join(unknown)}.")
    if not items:
        raise click.ClickException("There is nothing to print: no items match.")
    return list(items)
