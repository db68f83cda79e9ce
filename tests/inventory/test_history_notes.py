"""A note the app writes in an item's history is kept as its msgid and parameters and read in
the reader's language; a note a person typed reads as it was typed."""

from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import select

from app.auth.roles import Role
from app.timeutil import utcnow
from inventory import disposals, lots
from inventory.models import Disposition, ItemEvent
from reuse.listings.closing import CLOSING_WORDS, disposal_note
from reuse.listings.models import Closing


def _history(client, item) -> str:
    return client.get(f"/items/{item.id}").get_data(as_text=True)


def test_a_split_reads_in_each_readers_language(
    client, login, make_user, make_item, db_session, app
):
    lot = make_item("Stapelstol", quantity=10)
    part = lots.split_lot(db_session, lot, 4, by=None, now=utcnow(), tag_prefix="INV-",
                          tag_digits=6)  # fmt: skip
    db_session.commit()
    event = db_session.scalars(select(ItemEvent).where(ItemEvent.item_id == part.id)).first()
    assert (event.note, event.note_params) == ("Split from %(tag)s", {"tag": lot.tag})
    for language, words in [("sv", "Delad från"), ("da", "Udskilt fra"), ("nl", "Afgesplitst van"),
                            ("en", "Split from")]:  # fmt: skip
        reader = make_user(Role.STAFF, language=language)
        login(client, reader)
        assert f"{words} {lot.tag}" in _history(client, part)
        client.post("/logout")


def test_a_typed_note_reads_as_typed(client, login, make_user, make_item, db_session):
    bed = make_item("Vårdsäng")
    disposals.dispose_item(db_session, bed, Disposition.SCRAPPED, by=None, now=utcnow(),
                           note="Split from %(tag)s, 100 %")  # fmt: skip
    db_session.commit()
    login(client, make_user(Role.STAFF, language="sv"))
    assert "Split from %(tag)s, 100 %" in _history(client, bed)


def test_a_closing_line_keeps_its_words_and_the_typed_parts(app, make_item, db_session):
    listing = SimpleNamespace(closed_to="Second Hand AB", sale_price=Decimal("250"))
    note = disposal_note(listing, CLOSING_WORDS[Closing.SOLD], "  picked up Monday ")
    bed = make_item("Vårdsäng")
    disposals.dispose_item(db_session, bed, Disposition.SOLD, by=None, now=utcnow(), note=note)
    db_session.commit()
    event = db_session.scalars(select(ItemEvent).where(ItemEvent.item_id == bed.id)).all()[-1]
    with app.test_request_context(headers={"Accept-Language": "da"}):
        assert event.note_text == "Solgt · Second Hand AB · pris 250.00 · picked up Monday"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert event.note_text == "Sold · Second Hand AB · price 250.00 · picked up Monday"
