"""The inbox, wishes, watching and checking before buying, through the pages, with refusals."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.timeutil import utcnow
from inventory.models import ItemStatus
from reuse.demand.models import BuyCheck, BuyCheckOutcome, Watch, Wish
from reuse.listings import services
from reuse.listings.models import Tier
from reuse.notices.models import Notification
from reuse.notices.notifications import Kind
from tests.reuse import making


@pytest.fixture
def offer(app, db_session, make_item, make_storeroom, make_department, make_user):
    """Offer an item of a department (North unless said), by its manager."""

    def make(name="Standing desk", department=None, **fields):
        department = department or make_department("North")
        by = make_user(Role.MANAGER, department=department)
        item = make_item(name, department=department, storeroom=make_storeroom(), **fields)
        with app.test_request_context():
            listing = making.flag(db_session, item, by=by)
        db_session.commit()
        return listing

    return make


def notice(db_session, user, listing=None, title="Desk", minutes_ago=0) -> Notification:
    row = Notification(user_id=user.id, kind=Kind.WATCH_WITHDRAWN.value, params={"item": title},
                       listing_id=listing.id if listing else None,
                       created_at=utcnow() - timedelta(minutes=minutes_ago))  # fmt: skip
    db_session.add(row)
    db_session.commit()
    return row


def count(db_session, model) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model))


# --- the inbox ------------------------------------------------------------------------------------


def test_the_inbox_shows_the_newest_first_and_opening_one_marks_it_read_by_a_post(
    client, login, db_session, make_user, offer
):
    user = make_user(Role.REQUESTER)
    listing = offer()
    older = notice(db_session, user, listing, title="Old chair", minutes_ago=30)
    newer = notice(db_session, user, listing, title="New desk")
    login(client, user)
    page = client.get("/inbox").text
    assert page.index("New desk was withdrawn.") < page.index("Old chair was withdrawn.")
    assert page.count('class="notice unread"') == 2
    assert re.search(r'class="badge unread-count">2<', page)  # the nav's count
    shown = client.get(f"/inbox/{newer.id}")  # a mail's link: shown, not yet read
    assert shown.status_code == 200 and "New desk was withdrawn." in shown.text
    db_session.refresh(newer)
    assert newer.read_at is None
    assert f'action="/inbox/{newer.id}"' in shown.text and "data-auto-submit" in shown.text
    response = client.post(f"/inbox/{newer.id}")  # its button, which the page's script presses
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reuse/listings/{listing.id}")
    db_session.refresh(newer)
    db_session.refresh(older)
    assert newer.read_at is not None and older.read_at is None
    assert re.search(r'class="badge unread-count">1<', client.get("/inbox").text)


def test_mark_all_read_marks_only_the_users_own(client, login, db_session, make_user):
    user, other = make_user(Role.REQUESTER), make_user(Role.REQUESTER)
    mine, theirs = notice(db_session, user), notice(db_session, other)
    login(client, user)
    assert client.post("/inbox/read").status_code == 302
    db_session.refresh(mine)
    db_session.refresh(theirs)
    assert mine.read_at is not None and theirs.read_at is None
    assert "unread-count" not in client.get("/inbox").text


def test_another_users_notice_cannot_be_opened_or_marked_read(
    client, login, db_session, make_user, offer
):
    owner, snooper = make_user(Role.MANAGER), make_user(Role.MANAGER)
    theirs = notice(db_session, owner, offer())
    login(client, snooper)
    assert client.get(f"/inbox/{theirs.id}").status_code == 404
    assert "Desk was withdrawn" not in client.get("/inbox").text
    db_session.refresh(theirs)
    assert theirs.read_at is None


def test_a_notice_about_a_listing_the_reader_may_not_see_has_no_link(
    client, login, db_session, make_user, make_department, offer
):
    settings = services.reuse_settings(db_session)
    settings.department_days = 5  # the listing stays with its own department for now
    db_session.commit()
    hidden = offer(department=make_department("North"))
    assert hidden.tier == Tier.DEPARTMENT
    reader = make_user(Role.REQUESTER, department=make_department("School"))
    row = notice(db_session, reader, hidden, title="Secret desk")
    login(client, reader)
    page = client.get("/inbox").text
    assert "Secret desk was withdrawn." in page
    assert f"/inbox/{row.id}" not in page and f"/reuse/listings/{hidden.id}" not in page
    response = client.post(f"/inbox/{row.id}", follow_redirects=True)
    assert "no longer there for you to see" in response.text


# --- wishes ---------------------------------------------------------------------------------------


def test_wishes_are_added_and_removed_by_their_owner_only(
    client, login, db_session, make_user, make_category
):
    chairs = make_category("Chairs")
    user, other = make_user(Role.REQUESTER), make_user(Role.REQUESTER)
    login(client, user)
    response = client.post("/wishes", data={"words": " office  chair ", "category": chairs.id})
    assert response.status_code == 302
    wish = db_session.scalar(select(Wish))
    assert (wish.user_id, wish.department_id, wish.words, wish.category_id) == (
        user.id, user.department_id, "office chair", chairs.id)  # fmt: skip
    assert "office chair" in client.get("/wishes").text
    client.post("/logout")

    login(client, other)
    assert "office chair" not in client.get("/wishes").text
    assert client.post(f"/wishes/{wish.id}/remove").status_code == 404
    assert count(db_session, Wish) == 1
    client.post("/logout")

    login(client, user)
    assert client.post(f"/wishes/{wish.id}/remove").status_code == 302
    assert count(db_session, Wish) == 0


@pytest.mark.parametrize(
    "data, message",
    [
        ({"words": "   "}, "Name a category or some words"),
        ({"words": "x" * 201}, "Field cannot be longer than 200 characters"),
        ({"words": "desk", "category": "999999"}, "Not a valid choice"),
    ],
)
def test_a_bad_wish_is_refused_and_keeps_nothing(
    client, login, db_session, make_user, data, message
):
    login(client, make_user(Role.REQUESTER))
    response = client.post("/wishes", data=data)
    assert response.status_code == 200 and message in response.text
    assert count(db_session, Wish) == 0


# --- watches --------------------------------------------------------------------------------------


def test_watch_and_stop_watching_a_listing(client, login, db_session, make_user, offer):
    listing = offer()
    login(client, make_user(Role.REQUESTER))
    assert "Watch: tell me of changes" in client.get(f"/reuse/listings/{listing.id}").text
    for _ in range(2):  # a double click watches once
        client.post(f"/reuse/listings/{listing.id}/watch", data={"on": "1"})
    assert count(db_session, Watch) == 1
    assert "Stop watching" in client.get(f"/reuse/listings/{listing.id}").text
    client.post(f"/reuse/listings/{listing.id}/watch", data={"on": "0"})
    assert count(db_session, Watch) == 0


def test_a_listing_the_user_may_not_see_cannot_be_watched(
    client, login, db_session, make_user, make_department, offer
):
    settings = services.reuse_settings(db_session)
    settings.department_days = 5
    db_session.commit()
    listing = offer(department=make_department("North"))
    login(client, make_user(Role.REQUESTER, department=make_department("School")))
    response = client.post(f"/reuse/listings/{listing.id}/watch", data={"on": "1"})
    assert response.status_code == 404
    assert client.post("/reuse/listings/999999/watch", data={"on": "1"}).status_code == 404
    assert count(db_session, Watch) == 0


# --- check before buying ------------------------------------------------------------------------


@pytest.fixture
def stock(db_session, offer, make_item, make_category, make_storeroom, make_department):
    """Desks on offer and in a storeroom, and a chair that matches nothing."""
    furniture = make_category("Furniture", replacement_value=Decimal("3000"))
    desks = make_category("Desks", parent=furniture)
    listed = offer("Standing desk", category=desks, replacement_value=Decimal("5200"))
    stored = make_item("Writing desk", category=desks, department=make_department("Library"),
                       storeroom=make_storeroom(code="LIB-1"), quantity=4)  # fmt: skip
    make_item("Office chair", category=furniture, storeroom=make_storeroom())
    assert stored.status == ItemStatus.IN_STORAGE
    return {"furniture": furniture, "listed": listed, "stored": stored}


def check_page(client, stock, words: str = "DESK") -> str:
    return client.get("/reuse/check", query_string={"category": stock["furniture"].id,
                                                    "words": words, "quantity": 2}).text  # fmt: skip


def test_a_requester_sees_other_departments_stock_as_counts_and_whom_to_ask(
    client, login, db_session, make_user, make_item, stock
):
    library = stock["stored"].department
    make_user(Role.MANAGER, department=library, name="Eva Berg", email="eva.berg@example.org")
    gone = make_user(Role.MANAGER, department=library, name="Left Lately")
    gone.is_active_account = False
    make_user(Role.REQUESTER, department=library, name="Not A Manager")
    make_item("Writing desk", category=stock["stored"].category, department=library,
              storeroom=stock["stored"].storeroom, quantity=2)  # fmt: skip
    db_session.commit()
    login(client, make_user(Role.REQUESTER))
    page = check_page(client, stock)
    assert f"/reuse/listings/{stock['listed'].id}" in page and "Standing desk" in page  # offered
    row = re.search(r"<tr><td[^>]*>Furniture &gt; Desks</td>.*?</tr>", page, re.S).group(0)
    assert '"Department">Library</td>' in row and '"How many">6</td>' in row  # 4 + 2 units
    assert '<a href="mailto:eva.berg@example.org">Eva Berg</a>' in row
    assert "Left Lately" not in page and "Not A Manager" not in page
    # Neither the items' names nor where they are, nor a way to them.
    assert "Writing desk" not in page and "LIB-1" not in page and "Ask: Library" not in page
    assert f"/items/{stock['stored'].id}" not in page
    assert "Office chair" not in page and "Record the answer" in page


def test_a_department_without_a_manager_is_asked_by_its_name(client, login, make_user, stock):
    login(client, make_user(Role.REQUESTER))
    row = re.search(
        r"<tr><td[^>]*>Furniture &gt; Desks</td>.*?</tr>", check_page(client, stock), re.S
    )
    assert row.group(0).count("Library") == 2  # the department, and whom to ask


def test_a_requester_sees_their_own_departments_stock_in_detail(client, login, make_user, stock):
    login(client, make_user(Role.REQUESTER, department=stock["stored"].department))
    page = check_page(client, stock)
    assert "Writing desk" in page and "Ask: Library" in page and "LIB-1" in page
    assert "In other departments&#39; storerooms" not in page


@pytest.mark.parametrize("role", [Role.STAFF, Role.MANAGER, Role.ADMIN])
def test_those_who_see_every_item_keep_the_detailed_view(client, login, make_user, stock, role):
    login(client, make_user(role))
    page = check_page(client, stock)
    assert "Writing desk" in page and "Ask: Library" in page and "LIB-1" in page
    assert "In other departments&#39; storerooms" not in page


def test_counts_answer_only_what_was_searched_for(client, login, make_user, stock):
    login(client, make_user(Role.REQUESTER))
    page = check_page(client, stock, words="sofa")
    assert "In other departments&#39; storerooms" not in page
    assert "Nothing in the storerooms matches." in page


def test_found_and_requested_is_recorded_with_the_purchase_avoided(
    client, login, db_session, make_user, stock
):
    user = make_user(Role.REQUESTER)
    login(client, user)
    response = client.post("/reuse/check", data={
        "category": stock["furniture"].id, "words": "desk", "quantity": "2",
        "outcome": "found_requested", "listing": stock["listed"].id})  # fmt: skip
    assert response.status_code == 302
    check = db_session.scalar(select(BuyCheck))
    assert (check.outcome, check.listing_id, check.quantity, check.value_avoided) == (
        BuyCheckOutcome.FOUND_REQUESTED, stock["listed"].id, 2, Decimal("10400"))  # fmt: skip
    assert (check.user_id, check.department_id) == (user.id, user.department_id)


def test_nothing_suitable_is_recorded_without_a_value(client, login, db_session, make_user, stock):
    login(client, make_user(Role.REQUESTER))
    client.post("/reuse/check", data={"category": stock["furniture"].id, "words": "sofa",
                                      "quantity": "3", "outcome": "nothing_suitable"})  # fmt: skip
    check = db_session.scalar(select(BuyCheck))
    assert (check.outcome, check.value_avoided, check.words) == (
        BuyCheckOutcome.NOTHING_SUITABLE, None, "sofa")  # fmt: skip


@pytest.mark.parametrize(
    "data, message",
    [
        ({"quantity": "0", "outcome": "nothing_suitable"}, "Number must be between 1 and 100000"),
        ({"quantity": "1"}, "Choose an answer"),
        (
            {"quantity": "1", "outcome": "found_requested", "listing": "999999"},
            "Not a valid choice",
        ),
        ({"quantity": "1", "outcome": "nothing_suitable", "words": ""}, "Name a category or some"),
    ],
)
def test_a_bad_answer_is_refused_and_records_nothing(
    client, login, db_session, make_user, stock, data, message
):
    login(client, make_user(Role.REQUESTER))
    response = client.post("/reuse/check", data={"words": "desk", **data}, follow_redirects=True)
    assert message in response.text
    assert count(db_session, BuyCheck) == 0


def test_a_listing_hidden_from_the_user_cannot_be_named_as_found(
    client, login, db_session, make_user, make_department, offer
):
    settings = services.reuse_settings(db_session)
    settings.department_days = 5
    db_session.commit()
    hidden = offer("Hidden desk", department=make_department("North"))
    login(client, make_user(Role.REQUESTER, department=make_department("School")))
    assert "Hidden desk" not in client.get("/reuse/check?words=desk").text
    response = client.post("/reuse/check", data={"words": "desk", "quantity": "1",
                                                 "outcome": "found_requested",
                                                 "listing": hidden.id}, follow_redirects=True)  # fmt: skip
    assert "Not a valid choice" in response.text
    assert count(db_session, BuyCheck) == 0


def test_managers_see_the_recent_checks(client, login, db_session, make_user, stock):
    login(client, make_user(Role.REQUESTER, name="Tove Teacher"))
    client.post("/reuse/check", data={"category": stock["furniture"].id, "words": "desk",
                                      "quantity": "2", "outcome": "found_requested",
                                      "listing": stock["listed"].id})  # fmt: skip
    client.post("/logout")
    login(client, make_user(Role.MANAGER))
    page = client.get("/reuse/checks").text
    assert "Tove Teacher" in page and "Found it, and asked for it" in page
    assert "10,400.00" in page
