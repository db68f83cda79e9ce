"""A large import's items, events and tags are as the checks left them, and the unique tag
index refuses what slips past the checks."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth.roles import Role
from app.timeutil import utcnow
from imports import services
from imports.commit import commit_plan
from imports.plan import plan_import
from inventory import item_tags
from inventory.models import Counter, EventKind, Item, ItemEvent
from inventory.search import Search


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


def import_names(db_session, user, names: list[str], *, name: str = "list.csv"):
    data = ("Benämning;Antal\n" + "".join(f"{n};1\n" for n in names)).encode()
    batch, table = services.start_batch(db_session, data, name, user=user, sheet=None,
                                        now=utcnow(), max_rows=10_000)  # fmt: skip
    plan = plan_import(db_session, table, batch.mapping, user=user, create_missing=False)
    commit_plan(db_session, batch, plan, user=user, now=utcnow(), tag_prefix="INV-",
                tag_digits=6)  # fmt: skip
    return batch


def test_a_bulk_load_writes_every_item_with_its_event_in_row_order(app, db_session, manager):
    names = [f"Stol {n}" for n in range(5_000)]  # several chunks
    with app.test_request_context():
        batch = import_names(db_session, manager, names)
        db_session.commit()
    items = db_session.execute(select(Item.id, Item.name, Item.tag).order_by(Item.id)).all()
    assert [name for _, name, _ in items] == names
    assert [tag for *_, tag in items] == [f"INV-{n:06d}" for n in range(1, 5_001)]
    events = db_session.scalars(
        select(ItemEvent).where(ItemEvent.kind == EventKind.IMPORTED).order_by(ItemEvent.item_id)
    ).all()
    assert [event.item_id for event in events] == [item_id for item_id, *_ in items]
    assert events[-1].note_text == f"Imported from list.csv (batch {batch.id}), row 5001"
    search = Search.prepare(db_session, "stol")
    found = db_session.scalars(select(Item.id).where(search.matches()))
    assert len(found.all()) == 5_000  # the search index has every one


def test_new_ids_follow_the_largest_even_after_a_deletion(app, db_session, manager, make_item):
    kept, last = make_item("Kept"), make_item("Last")
    db_session.delete(last)
    db_session.commit()
    with app.test_request_context():
        import_names(db_session, manager, ["Bord", "Hylla"])
        db_session.commit()
    ids = db_session.scalars(select(Item.id).where(Item.id != kept.id).order_by(Item.id)).all()
    assert len(ids) == 2 and min(ids) > kept.id


def test_a_tag_that_slips_past_the_checks_refuses_the_whole_write(
    app, db_session, manager, make_item, monkeypatch
):
    """The import checks its tags before it writes them; a tag there twice all the same (here:
    the check of tags in use is switched off) fails on the unique index of the tags' keys."""
    make_item("Old", tag="INV-000001")
    db_session.commit()
    db_session.merge(Counter(name="item_tag", value=0))  # the sequence drawn from the start
    db_session.commit()
    monkeypatch.setattr(item_tags, "_keys_between", lambda *_args: set())
    with app.test_request_context(), pytest.raises(IntegrityError):
        import_names(db_session, manager, ["Bord", "Hylla", "Pall"])
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Item)) == 1
