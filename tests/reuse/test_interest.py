"""Interest from outside: the form on the public market and the partner pages.

CSRF, the trap field, the signed start time, the rate limits, and that a valid message is
stored for the listing's owners and changes nothing else (T-H3's "cannot change item state").
"""

import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from app.auth.roles import Role
from inventory.models import Item, ItemEvent
from reuse.listings.models import Listing
from reuse.outside import interests
from reuse.outside.models import Interest
from reuse.outside.web import STAMP_SALT
from tests.reuse.outside_helpers import add_partner, offer

FORM = {
    "name": "Eva Ek",
    "organisation": "Åby Re-use",
    "email": "eva@aby.example",
    "phone": "070-123 45 67",
    "message": "We can collect on Friday.",
}


@pytest.fixture
def owner(make_user, make_department):
    return make_user(Role.REQUESTER, department=make_department("Health centre north"))


@pytest.fixture
def listing(db_session, owner, make_item, make_storeroom) -> Listing:
    return offer(db_session, make_item("Shower chair", department=owner.department,
                                       storeroom=make_storeroom()), by=owner)  # fmt: skip


@pytest.fixture
def unhurried(app, monkeypatch):
    """People take more than the minimum time to fill the form; tests do not wait."""
    monkeypatch.setitem(app.config, "REUSE_INTEREST_MIN_SECONDS", 0)


def stamp_of(page: str) -> str:
    return re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)


def send(client, url: str, **changes):
    started = stamp_of(client.get(url).text)
    return client.post(url, data={**FORM, "started": started, **changes})


def state(db_session, listing: Listing) -> tuple:
    """What an outsider must never change: the listing, its item and its history."""
    db_session.expire_all()
    fresh, item = db_session.get(Listing, listing.id), db_session.get(Item, listing.item_id)
    events = db_session.scalar(select(func.count()).select_from(ItemEvent))
    return (fresh.status, fresh.quantity, fresh.reserved, fresh.tier, item.status, item.version,
            item.department_id, events)  # fmt: skip


def interest_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Interest))


def test_a_valid_message_is_stored_and_changes_nothing_else(
    client, db_session, listing, unhurried, app
):
    before = state(db_session, listing)
    url = f"/market/{listing.public_slug}/interest"
    response = send(client, url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/market/{listing.public_slug}")
    assert "Thank you" in client.get(response.headers["Location"]).text
    interest = db_session.scalar(select(Interest))
    assert (interest.listing_id, interest.name, interest.organisation, interest.email,
            interest.phone, interest.message, interest.partner_id) == (
        listing.id, "Eva Ek", "Åby Re-use", "eva@aby.example", "070-123 45 67",
        "We can collect on Friday.", None)  # fmt: skip
    assert interest.client_hash == interests.client_hash("127.0.0.1", app.config["SECRET_KEY"])
    assert "127.0.0.1" not in interest.client_hash
    assert state(db_session, listing) == before


def test_the_owners_see_the_interest_and_mark_it_handled(
    client, login, db_session, listing, owner, make_user, make_department, unhurried
):
    send(client, f"/market/{listing.public_slug}/interest")
    interest = db_session.scalar(select(Interest))
    page = f"/reuse/listings/{listing.id}"
    for outsider in (make_user(Role.STAFF, department=make_department("Warehouse")),
                     make_user(Role.REQUESTER, department=make_department("School"))):  # fmt: skip
        login(client, outsider)
        assert "eva@aby.example" not in client.get(page).text
        assert client.post(f"/reuse/interests/{interest.id}/handled").status_code == 403
        client.post("/logout")
    db_session.refresh(interest)
    assert interest.handled_at is None

    login(client, make_user(Role.MANAGER, department=make_department("Facilities")))
    assert "eva@aby.example" in client.get(page).text
    client.post("/logout")
    login(client, owner)
    shown = client.get(page).text
    assert "Eva Ek" in shown and "We can collect on Friday." in shown and "Mark as handled" in shown
    assert client.post(f"/reuse/interests/{interest.id}/handled").status_code == 302
    db_session.refresh(interest)
    assert interest.handled_at is not None
    assert "Mark as handled" not in client.get(page).text


def test_the_form_needs_its_csrf_token(app, db_session, listing, unhurried):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        url = f"/market/{listing.public_slug}/interest"
        page = client.get(url).text
        started = stamp_of(page)
        assert client.post(url, data={**FORM, "started": started}).status_code == 400
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        other = app.test_client()
        foreign = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                            other.get(url).text).group(1)  # fmt: skip
        forged = client.post(url, data={**FORM, "started": started, "csrf_token": foreign})
        assert forged.status_code == 400
        assert interest_count(db_session) == 0
        good = client.post(url, data={**FORM, "started": started, "csrf_token": token})
        assert good.status_code == 302 and interest_count(db_session) == 1
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_filled_trap_field_is_thanked_and_stored_nowhere(client, db_session, listing, unhurried):
    response = send(client, f"/market/{listing.public_slug}/interest", website="http://spam")
    assert response.status_code == 302
    assert interest_count(db_session) == 0


def test_a_form_sent_back_at_once_is_refused_politely(client, db_session, listing):
    response = send(client, f"/market/{listing.public_slug}/interest")
    assert response.status_code == 400 and "very quick" in response.text
    assert 'value="Eva Ek"' in response.text  # what was typed is kept
    assert interest_count(db_session) == 0


@pytest.mark.parametrize("case", ["old", "forged", "missing", "other listing"])
def test_an_old_or_forged_start_time_is_refused(client, db_session, listing, app, case, unhurried):
    url = f"/market/{listing.public_slug}/interest"
    signer = TimestampSigner(app.config["SECRET_KEY"], salt=STAMP_SALT)
    if case == "old":
        signer.get_timestamp = lambda: int(time.time()) - app.config["REUSE_INTEREST_MAX_AGE"] - 60
        started = signer.sign(listing.public_slug).decode()
    elif case == "forged":
        started = TimestampSigner("guess", salt=STAMP_SALT).sign(listing.public_slug).decode()
    elif case == "missing":
        started = ""
    else:
        started = signer.sign("another-slug").decode()
    response = client.post(url, data={**FORM, "started": started})
    assert response.status_code == 400 and "flash-error" in response.text
    assert interest_count(db_session) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not an address"}, "Invalid email address"),
        ({"name": ""}, "This field is required"),
        ({"message": "x" * 2001}, "2000"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_stored(
    client, db_session, listing, unhurried, changes, message
):
    response = send(client, f"/market/{listing.public_slug}/interest", **changes)
    assert response.status_code == 400 and message in response.text
    assert interest_count(db_session) == 0


def test_a_sender_over_the_hourly_limit_gets_429(client, db_session, listing, unhurried, app,
                                                 monkeypatch):  # fmt: skip
    monkeypatch.setitem(app.config, "REUSE_INTEREST_MAX_PER_HOUR", 2)
    url = f"/market/{listing.public_slug}/interest"
    assert [send(client, url).status_code for _ in range(2)] == [302, 302]
    over = send(client, url)
    assert over.status_code == 429 and "try again later" in over.text
    assert interest_count(db_session) == 2
    other = app.test_client()
    started = stamp_of(other.get(url, environ_base={"REMOTE_ADDR": "192.0.2.8"}).text)
    elsewhere = other.post(url, data={**FORM, "started": started},
                           environ_base={"REMOTE_ADDR": "192.0.2.8"})  # fmt: skip
    assert elsewhere.status_code == 302 and interest_count(db_session) == 3


def test_a_listing_over_its_daily_limit_gets_429(client, db_session, listing, unhurried, app,
                                                monkeypatch):  # fmt: skip
    monkeypatch.setitem(app.config, "REUSE_INTEREST_MAX_PER_LISTING_PER_DAY", 2)
    url = f"/market/{listing.public_slug}/interest"
    statuses = []
    for n in range(3):
        address = {"REMOTE_ADDR": f"192.0.2.{n + 1}"}
        started = stamp_of(client.get(url, environ_base=address).text)
        response = client.post(url, data={**FORM, "started": started}, environ_base=address)
        statuses.append(response.status_code)
    assert statuses == [302, 302, 429] and interest_count(db_session) == 2


def test_interest_in_a_listing_withdrawn_meanwhile_is_not_found(
    client, db_session, listing, owner, unhurried
):
    from app.timeutil import utcnow
    from reuse.listings import services

    url = f"/market/{listing.public_slug}/interest"
    started = stamp_of(client.get(url).text)
    services.withdraw(db_session, listing, by=owner, now=utcnow())
    db_session.commit()
    assert client.post(url, data={**FORM, "started": started}).status_code == 404
    assert interest_count(db_session) == 0


def test_a_partner_registers_interest_through_its_link(client, db_session, listing, unhurried):
    partner, token = add_partner(db_session, contact_name="Per Partner", email="per@shop.example")
    url = f"/partners/{token}/listings/{listing.public_slug}/interest"
    page = client.get(url).text
    assert 'value="per@shop.example"' in page and 'value="Sundby Second Hand"' in page
    response = client.post(url, data={**FORM, "started": stamp_of(page)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/partners/{token}/listings/{listing.public_slug}"
    )
    assert db_session.scalar(select(Interest)).partner_id == partner.id


def test_the_service_refuses_a_listing_not_outside_for_the_sender(
    db_session, owner, make_item, make_storeroom
):
    from reuse.listings.models import Tier

    listing = offer(db_session, make_item("Desk", department=owner.department,
                                          storeroom=make_storeroom()), by=owner,
                    tier=Tier.PARTNERS)  # fmt: skip
    from app.timeutil import utcnow

    limits = interests.InterestLimits(per_sender_per_hour=5, per_listing_per_day=5)
    kwargs = dict(name="Eva", organisation="", email="e@x.example", phone="", message="",
                  client_hash="c" * 64, limits=limits, now=utcnow())  # fmt: skip
    with pytest.raises(interests.InterestRefused):
        interests.register_interest(db_session, listing, partner=None, **kwargs)
    partner, _token = add_partner(db_session)
    assert interests.register_interest(db_session, listing, partner=partner, **kwargs).id
    partner.active = False
    with pytest.raises(interests.InterestRefused):
        interests.register_interest(db_session, listing, partner=partner, **kwargs)
