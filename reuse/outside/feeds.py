"""What is offered outside as CSV, JSON and Atom: OutsideListings in, text out.

The feeds carry exactly the fields of the pages (reuse/outside/catalogue.py holds the allowlist); the
caller gives the addresses and the words in the reader's language. CSV text cells are
defused the way exports are (app/sheets.py), so a spreadsheet opening the feed runs no
formula typed into a listing.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from app.sheets import csv_lines
from app.timeutil import as_utc
from inventory.models import Condition
from reuse.outside.catalogue import OutsideListing

ATOM = "http://www.w3.org/2005/Atom"
COLUMNS = (
    "title", "category", "condition", "quantity", "town", "price", "currency", "free",
    "description", "link", "photo", "offered_since",
)  # fmt: skip
# Characters XML 1.0 cannot hold at all; a name pasted from elsewhere may carry them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class FeedContext:
    """Where the feed and its listings live, and the words a reader sees."""

    title: str
    author: str  # the organisation offering the things
    page_url: str
    feed_url: str
    currency: str
    listing_url: Callable[[str], str]
    photo_url: Callable[[str, int], str]
    conditions: Mapping[Condition, str]
    free_word: str
    ask_word: str  # the price is asked for
    now: datetime


def _price(listing: OutsideListing) -> str:
    return "" if listing.price is None else f"{listing.price:.2f}"


def _iso(moment: datetime) -> str:
    return as_utc(moment).isoformat(timespec="seconds")


def _first_photo(listing: OutsideListing, context: FeedContext) -> str:
    return context.photo_url(listing.slug, listing.photo_ids[0]) if listing.photo_ids else ""


def csv_feed(listings: Iterable[OutsideListing], context: FeedContext) -> Iterator[str]:
    """Lines of a CSV file with a header row, as a spreadsheet opens it safely."""
    rows: list[list] = [list(COLUMNS)]
    for item in listings:
        rows.append([
            item.title, item.category, context.conditions[item.condition], item.quantity,
            item.town, _price(item), context.currency if item.price is not None else "",
            "yes" if item.free else "no", item.description, context.listing_url(item.slug),
            _first_photo(item, context), _iso(item.offered_since),
        ])  # fmt: skip
    return csv_lines(rows)


def json_feed(listings: Iterable[OutsideListing], context: FeedContext) -> str:
    entries = [
        {
            "title": item.title, "category": item.category, "condition": item.condition.value,
            "quantity": item.quantity, "town": item.town, "free": item.free,
            "price": _price(item) or None,
            "currency": context.currency if item.price is not None else None,
            "description": item.description, "link": context.listing_url(item.slug),
            "photos": [context.photo_url(item.slug, photo) for photo in item.photo_ids],
            "offered_since": _iso(item.offered_since),
        }
        for item in listings
    ]  # fmt: skip
    feed = {
        "title": context.title,
        "link": context.page_url,
        "updated": _iso(context.now),
        "listings": entries,
    }
    return json.dumps(feed, ensure_ascii=False, indent=1)


def _text(parent: ET.Element, tag: str, value: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = NOT_XML.sub("", value)
    return element


def _summary(item: OutsideListing, context: FeedContext) -> str:
    if item.price is not None:
        price = f"{item.price:.2f} {context.currency}".strip()
    else:
        price = context.free_word if item.free else context.ask_word
    parts = (item.category, context.conditions[item.condition], f"× {item.quantity}",
             item.town, price)  # fmt: skip
    summary = " · ".join(part for part in parts if part)
    return f"{summary}\n\n{item.description}" if item.description else summary


def atom_feed(listings: Iterable[OutsideListing], context: FeedContext) -> bytes:
    """An Atom 1.0 feed (RFC 4287): an entry per listing, linking to its page."""
    listings = list(listings)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", context.page_url)
    _text(feed, "title", context.title)
    updated = max([item.offered_since for item in listings], default=context.now, key=as_utc)
    _text(feed, "updated", _iso(updated))
    _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", context.author)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=context.feed_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html",
                  href=context.page_url)  # fmt: skip
    for item in listings:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        link = context.listing_url(item.slug)
        _text(entry, "id", link)
        _text(entry, "title", item.title)
        _text(entry, "updated", _iso(item.offered_since))
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=link)
        if item.photo_ids:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="enclosure",
                          href=_first_photo(item, context))  # fmt: skip
        if item.category:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=NOT_XML.sub("", item.category))
        _text(entry, "summary", _summary(item, context))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
