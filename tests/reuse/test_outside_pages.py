"""The public market and the partner pages: what outsiders may see, and nothing else.

T-H1 (field allowlist), T-H2 (enumeration and robustness) and T-H3 (withdrawal latency) of
reliability.md, section H, on the pages, the photos and the feeds.
"""

import csv
import io
import json
import secrets
from decimal import Decimal

import pytest

from app.auth.roles import Role
from app.timeutil import utcnow
from inventory import place_records
from inventory.models import Condition
from reuse.listings import services as listing_services
from reuse.listings.models import ExternalMode, Listing, ReuseSettings, Tier
from reuse.outside.models import Interest
from reuse.requests import services as request_services
from tests.reuse import making
from tests.reuse.outside_helpers import add_partner, add_photo, offer

FEEDS = ("csv", "json", "atom")


@pytest.fixture
def owner(make_user, make_department):
    return make_user(Role.MANAGER, department=make_department("Health centre north"))


@pytest.fixture
def room(db_session, make_storeroom):
    site = place_records.save_site(db_session, name="North centre", town="Sundby")
    return make_storeroom(code="N1", site=site)


def outside_urls(slug: str, photo_id: int, token: str) -> list[str]:
    """Every page and feed that shows the listing to an outsider."""
    partner = f"/partners/{token}"
    return [
        "/market", "/market?q=desk", f"/market/{slug}", f"/market/{slug}/interest",
        f"/market/{slug}/photos/{photo_id}/thumb", partner, f"{partner}/listings/{slug}",
        f"{partner}/listings/{slug}/interest",
        *(f"/market.{fmt}" for fmt in FEEDS), *(f"{partner}/feed.{fmt}" for fmt in FEEDS),
    ]  # fmt: skip


# --- T-H1: the allowlist -----------------------------------------------------------------------


def test_no_internal_field_reaches_any_outside_page_or_feed(
    client, db_session, make_user, make_department, make_item, make_category
):
    """Sentinels in every field an outsider must not see: item, storeroom, site, department,
    staff, the listing's own inside fields, requests, other outsiders and the partner's notes."""
    department = make_department("SENTINEL-DEPARTMENT")
    staff = make_user(Role.MANAGER, department=department, email="sentinel-staff@example.org",
                      name="SENTINEL-STAFF-NAME")  # fmt: skip
    site = place_records.save_site(db_session, name="SENTINEL-SITE", town="Sundby",
                                   address="SENTINEL-ADDRESS 1")  # fmt: skip
    room = place_records.save_storeroom(
        db_session, code="SNTLROOM", name="SENTINEL-ROOM", site=site
    )
    db_session.commit()
    desk = make_item(
        "Height-adjustable desk", department=department, storeroom=room, tag="SNTL-TAG-1",
        category=make_category("Desks"), serial_number="SENTINEL-SERIAL",
        manufacturer="SENTINEL-MAKER", model="SENTINEL-MODEL", purchase_price=Decimal("987654.32"),
        replacement_value=Decimal("876543.21"), notes="SENTINEL-NOTES",
        extra={"SENTINEL-EXTRA-KEY": "SENTINEL-EXTRA-VALUE"}, by=staff,
    )  # fmt: skip
    photo = add_photo(db_session, desk)
    listing = offer(db_session, desk, by=staff, reason="Sturdy, from a closed office",
                    collect_from="SENTINEL-COLLECT", asking_price=Decimal("450"))  # fmt: skip
    requester = make_user(Role.REQUESTER, department=make_department("School"))
    making.ask(
        db_session,
        listing,
        user=requester,
        deliver_place="SENTINEL-PLACE",
        message="SENTINEL-REQUEST",
    )
    db_session.add(Interest(listing_id=listing.id, name="SENTINEL-OUTSIDER",
                            email="sentinel-outsider@example.org", message="SENTINEL-MESSAGE",
                            client_hash="a" * 64))  # fmt: skip
    _, token = add_partner(db_session, notes="SENTINEL-PARTNER-NOTES")
    db_session.commit()

    sentinels = [
        "SENTINEL", "SNTL", "987654", "987 654", "876543", "876 543", "sentinel-staff",
        f"/items/{desk.id}", f"/reuse/listings/{listing.id}",
    ]  # fmt: skip
    for url in outside_urls(listing.public_slug, photo.id, token):
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith("/thumb"):
            continue
        body = response.get_data(as_text=True)
        found = [s for s in sentinels if s.lower() in body.lower()]
        assert found == [], f"{url} shows {found}"
        if "/interest" not in url:
            assert "Height-adjustable desk" in body and "Sundby" in body, url
    page = client.get(f"/market/{listing.public_slug}").text
    assert "Sturdy, from a closed office" in page and "Desks" in page and "450.00" in page


def test_the_json_feed_holds_the_allowlisted_keys_only(client, db_session, owner, make_item, room):
    offer(db_session, make_item("Chair", department=owner.department, storeroom=room), by=owner)
    listing = json.loads(client.get("/market.json").text)["listings"][0]
    assert set(listing) == {
        "title", "category", "condition", "quantity", "town", "free", "price", "currency",
        "description", "link", "photos", "offered_since",
    }  # fmt: skip


# --- which listings are outside -----------------------------------------------------------------


def test_each_tier_sees_its_own_and_wider_listings(client, db_session, owner, make_item, room):
    inside = offer(db_session, make_item("Inside desk", department=owner.department,
                                         storeroom=room), by=owner, tier=Tier.ORGANISATION)  # fmt: skip
    partner_only = offer(db_session, make_item("Partner shelf", department=owner.department,
                                               storeroom=room), by=owner, tier=Tier.PARTNERS)  # fmt: skip
    public = offer(db_session, make_item("Public rollator", department=owner.department,
                                         storeroom=room), by=owner, tier=Tier.PUBLIC)  # fmt: skip
    _, token = add_partner(db_session)

    market = client.get("/market").text
    assert "Public rollator" in market and "Partner shelf" not in market
    assert "Inside desk" not in market
    partner_page = client.get(f"/partners/{token}").text
    assert "Public rollator" in partner_page and "Partner shelf" in partner_page
    assert "Inside desk" not in partner_page

    assert client.get(f"/market/{public.public_slug}").status_code == 200
    assert client.get(f"/market/{partner_only.public_slug}").status_code == 404
    assert client.get(f"/market/{inside.public_slug}").status_code == 404
    assert client.get(f"/partners/{token}/listings/{partner_only.public_slug}").status_code == 200
    assert client.get(f"/partners/{token}/listings/{inside.public_slug}").status_code == 404
    feed = client.get(f"/partners/{token}/feed.json").json["listings"]
    assert sorted(entry["title"] for entry in feed) == ["Partner shelf", "Public rollator"]
    assert [e["title"] for e in client.get("/market.json").json["listings"]] == ["Public rollator"]


@pytest.mark.parametrize(
    ("mode", "asking", "shown", "hidden"),
    [
        (ExternalMode.GIVE, Decimal("300"), "Free", "300.00"),
        (ExternalMode.SELL, Decimal("300"), "SEK\xa0300.00", "Free"),
        (ExternalMode.SELL, None, "Price on request", "Free"),
        (ExternalMode.BOTH, Decimal("300"), "SEK\xa0300.00", "Free"),
        (ExternalMode.BOTH, None, "Free", "Price on request"),
    ],
)
def test_the_price_follows_what_the_organisation_may_do_outside(
    client, db_session, owner, make_item, room, mode, asking, shown, hidden
):
    from inventory.models import Organisation

    db_session.add(Organisation(name="Sundby kommun", currency="SEK"))
    db_session.add(ReuseSettings(external_mode=mode))
    db_session.commit()
    listing = offer(db_session, make_item("Desk", department=owner.department, storeroom=room),
                    by=owner, asking_price=asking)  # fmt: skip
    for url in ("/market", f"/market/{listing.public_slug}"):
        page = client.get(url).text
        assert shown in page and hidden not in page, url


# --- T-H2: enumeration and robustness ---------------------------------------------------------


def test_ids_and_guessed_slugs_are_not_found(client, db_session, owner, make_item, room):
    listing = offer(db_session, make_item("Desk", department=owner.department, storeroom=room),
                    by=owner)  # fmt: skip
    photo = add_photo(db_session, listing.item)
    _, token = add_partner(db_session)
    guesses = [str(listing.id), str(listing.item_id), listing.item.tag, "1", "0", "-1",
               listing.public_slug.upper(), listing.public_slug + "x", "..", "a" * 500]  # fmt: skip
    guesses += [secrets.token_urlsafe(12) for _ in range(30)]
    for guess in guesses:
        assert client.get(f"/market/{guess}").status_code == 404, guess
        assert client.get(f"/market/{guess}/interest").status_code == 404, guess
        assert client.get(f"/market/{guess}/photos/{photo.id}/full").status_code == 404, guess
        assert client.get(f"/partners/{token}/listings/{guess}").status_code == 404, guess
    slug = listing.public_slug
    assert client.get(f"/market/{slug}/photos/{photo.id}/full").status_code == 200
    other = add_photo(db_session, make_item("Other", department=owner.department))
    assert client.get(f"/market/{slug}/photos/{other.id}/full").status_code == 404
    assert client.get(f"/market/{slug}/photos/99999999999/full").status_code == 404


FUZZ = [
    "-1", "0", "1e9", "99999999999999999999999", "abc", "%", "_", "%_%", "\x00", "a\x00b",
    "' OR 1=1 --", '"; DROP TABLE listings; --', ".*", "(a+)+$", "[", "\\", "🙂" * 300,
    "x" * 5000, " ", "\u202e", "<script>alert(1)</script>",
]  # fmt: skip


def test_fuzzed_query_arguments_never_fail(client, db_session, owner, make_item, room):
    offer(db_session, make_item("Desk", department=owner.department, storeroom=room), by=owner)
    _, token = add_partner(db_session)
    failures = []
    for path in ("/market", f"/partners/{token}", "/market.json"):
        for name in ("q", "page", "per_page", "category", "condition", "town", "sort"):
            for value in FUZZ:
                response = client.get(path, query_string={name: value})
                expected = 400 if "\x00" in value else 200  # a NUL: app/request_values.py
                if response.status_code != expected:
                    failures.append((path, name, value[:20], response.status_code))
    assert failures == []
    assert (
        "<script>alert(1)</script>"
        not in client.get("/market", query_string={"q": "<script>alert(1)</script>"}).text
    )


def test_per_page_is_clamped_and_a_bad_page_is_the_first(
    client, db_session, owner, make_item, room, monkeypatch
):
    from reuse.outside import web as outside_web

    monkeypatch.setattr(outside_web, "MAX_PER_PAGE", 2)
    for name in ("Desk A", "Desk B", "Desk C"):
        offer(db_session, make_item(name, department=owner.department, storeroom=room), by=owner)
    page = client.get("/market?per_page=1000000").text
    assert page.count('class="name"') == 2 and 'rel="next"' in page
    first = client.get("/market?per_page=1&page=-1").text
    assert first.count('class="name"') == 1 and "Desk C" in first and 'rel="prev"' not in first
    beyond = client.get("/market?page=999999999999")
    assert beyond.status_code == 200 and "Nothing on offer matches" in beyond.text


def test_search_by_words_condition_category_and_town(
    client, db_session, owner, make_item, make_storeroom, make_category
):
    north = make_storeroom(
        code="N2", site=place_records.save_site(db_session, name="N", town="Sundby")
    )
    south = make_storeroom(
        code="S2", site=place_records.save_site(db_session, name="S", town="Åby")
    )
    aids = make_category("Walking aids")
    offer(db_session, make_item("Rollator Topro", department=owner.department, storeroom=north,
                                category=aids, condition=Condition.FAIR), by=owner)  # fmt: skip
    offer(db_session, make_item("Office chair", department=owner.department, storeroom=south),
          by=owner)  # fmt: skip

    def names(**args) -> list[str]:
        page = client.get("/market", query_string=args).text
        return [n for n in ("Rollator Topro", "Office chair") if n in page.split("<ul", 1)[-1]]

    assert names(q="topro") == ["Rollator Topro"]
    assert names(q="walking") == ["Rollator Topro"]  # the category's name
    assert names(q="chair office") == ["Office chair"]
    assert names(q="100%") == []
    assert names(condition="fair") == ["Rollator Topro"]
    assert names(category=str(aids.id)) == ["Rollator Topro"]
    assert names(town="åby") == ["Office chair"]
    towns = client.get("/market").text
    assert "<option >Sundby</option>" in towns and "<option >Åby</option>" in towns


def test_scrapers_are_slowed_per_address(app, client, owner, monkeypatch):
    monkeypatch.setitem(app.config, "REUSE_PUBLIC_MAX_PER_MINUTE", 5)
    app.extensions.pop("reuse.scrape_window", None)
    try:
        statuses = [client.get("/market").status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        assert client.get("/market.json").status_code == 429
        other = client.get("/market", environ_base={"REMOTE_ADDR": "192.0.2.7"})
        assert other.status_code == 200
    finally:
        app.extensions.pop("reuse.scrape_window", None)


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(app, client, owner, monkeypatch):
    """Without TRUSTED_PROXIES, X-Forwarded-For is the client's to set and is ignored."""
    monkeypatch.setitem(app.config, "REUSE_PUBLIC_MAX_PER_MINUTE", 1)
    app.extensions.pop("reuse.scrape_window", None)
    try:
        assert client.get("/market").status_code == 200
        forged = client.get("/market", headers={"X-Forwarded-For": "198.51.100.9"})
        assert forged.status_code == 429
    finally:
        app.extensions.pop("reuse.scrape_window", None)


# --- T-H3: gone at once ------------------------------------------------------------------------


def _public_views(client, listing: Listing, photo_id: int, token: str) -> dict[str, int]:
    slug = listing.public_slug
    return {
        "page": client.get(f"/market/{slug}").status_code,
        "interest": client.get(f"/market/{slug}/interest").status_code,
        "photo": client.get(f"/market/{slug}/photos/{photo_id}/thumb").status_code,
        "partner": client.get(f"/partners/{token}/listings/{slug}").status_code,
        "in list": int("Teak cabinet" in client.get("/market").text),
        "in feeds": sum("Teak cabinet" in client.get(f"/market.{fmt}").text for fmt in FEEDS)
        + sum("Teak cabinet" in client.get(f"/partners/{token}/feed.{fmt}").text for fmt in FEEDS),
    }


GONE = {"page": 404, "interest": 404, "photo": 404, "partner": 404, "in list": 0, "in feeds": 0}


def test_a_withdrawn_listing_is_gone_on_the_next_request(
    client, db_session, owner, make_item, room
):
    listing = offer(db_session, make_item("Teak cabinet", department=owner.department, storeroom=room),
                    by=owner)  # fmt: skip
    photo = add_photo(db_session, listing.item)
    _, token = add_partner(db_session)
    seen = _public_views(client, listing, photo.id, token)
    assert seen == {"page": 200, "interest": 200, "photo": 200, "partner": 200, "in list": 1,
                    "in feeds": 6}  # fmt: skip
    etag = client.get(f"/market/{listing.public_slug}").headers["ETag"]

    listing_services.withdraw(db_session, listing, by=owner, now=utcnow())
    db_session.commit()
    assert _public_views(client, listing, photo.id, token) == GONE
    again = client.get(f"/market/{listing.public_slug}", headers={"If-None-Match": etag})
    assert again.status_code == 404  # a cached copy is not confirmed


def test_a_fully_reserved_listing_is_gone_and_a_partly_reserved_one_shows_what_is_left(
    client, db_session, owner, make_item, make_user, make_department, room
):
    lot = make_item("Teak cabinet", department=owner.department, storeroom=room, quantity=3)
    listing = offer(db_session, lot, by=owner)
    photo = add_photo(db_session, lot)
    _, token = add_partner(db_session)
    school = make_user(Role.REQUESTER, department=make_department("School"))
    clinic = make_user(Role.REQUESTER, department=make_department("Clinic"))
    first = making.ask(db_session, listing, user=school, quantity=2, deliver_place="Hall")
    second = making.ask(db_session, listing, user=clinic, deliver_place="Hall")
    request_services.approve(db_session, first, by=owner, now=utcnow())
    db_session.commit()
    page = client.get(f"/market/{listing.public_slug}").text
    assert "<dd>1</dd>" in page
    request_services.approve(db_session, second, by=owner, now=utcnow())
    db_session.commit()
    assert _public_views(client, listing, photo.id, token) == GONE


def test_outside_pages_are_revalidated_on_every_use_and_set_no_cookie(
    client, db_session, owner, make_item, room
):
    listing = offer(db_session, make_item("Desk", department=owner.department, storeroom=room),
                    by=owner)  # fmt: skip
    _, token = add_partner(db_session)
    for url in ("/market", f"/market/{listing.public_slug}", "/market.atom"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "public, max-age=0, must-revalidate", url
        assert "Set-Cookie" not in response.headers and response.headers.get("ETag"), url
        cached = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert cached.status_code == 304, url
    partner_page = client.get(f"/partners/{token}")
    assert partner_page.headers["Cache-Control"].startswith("private")
    form = client.get(f"/market/{listing.public_slug}/interest")
    assert form.headers["Cache-Control"] == "no-store"


def test_anonymous_visitors_see_no_internal_navigation(client, db_session, owner, make_item, room):
    listing = offer(db_session, make_item("Desk", department=owner.department, storeroom=room),
                    by=owner)  # fmt: skip
    for url in ("/market", f"/market/{listing.public_slug}", "/market/nothing-here"):
        page = client.get(url).text
        for internal in ("/items", "/reuse", "/sites", "/scan", "/login", "Log out"):
            assert internal not in page, (url, internal)


# --- feeds ------------------------------------------------------------------------------------


def test_feeds_are_valid_and_link_to_the_partner_page(
    client, db_session, owner, make_item, room, app
):
    import xml.etree.ElementTree as ET

    desk = make_item("=HYPERLINK(\"http://evil\")\x01 desk", department=owner.department,
                     storeroom=room)  # fmt: skip
    listing = offer(db_session, desk, by=owner, tier=Tier.PARTNERS, reason="@SUM(A1)")
    add_photo(db_session, desk)
    _, token = add_partner(db_session)
    base = app.config["PUBLIC_BASE_URL"]

    atom = client.get(f"/partners/{token}/feed.atom")
    assert atom.headers["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(atom.data)
    assert feed.find("a:id", ns).text and feed.find("a:updated", ns).text
    assert feed.find("a:author/a:name", ns).text
    entry = feed.find("a:entry", ns)
    link = f"{base}/partners/{token}/listings/{listing.public_slug}"
    assert entry.find("a:link[@rel='alternate']", ns).get("href") == link
    assert entry.find("a:id", ns).text == link and entry.find("a:updated", ns).text
    assert "\x01" not in entry.find("a:title", ns).text

    rows = list(
        csv.reader(io.StringIO(client.get(f"/partners/{token}/feed.csv").data.decode("utf-8-sig")))
    )
    header, row = rows[0], rows[1]
    assert row[header.index("title")].startswith("'=HYPERLINK")
    assert row[header.index("description")] == "'@SUM(A1)"
    assert row[header.index("link")] == link
    assert client.get(f"/partners/{token}/feed.csv").headers["Content-Type"].startswith("text/csv")
    data = client.get(f"/partners/{token}/feed.json").json
    assert data["listings"][0]["link"] == link
    assert data["listings"][0]["photos"][0].startswith(f"{base}/partners/{token}/listings/")


def test_feed_addresses_ignore_a_forged_host(client, db_session, owner, make_item, room, app):
    offer(db_session, make_item("Desk", department=owner.department, storeroom=room), by=owner)
    atom = client.get("/market.atom", headers={"Host": "evil.example"}).text
    assert "evil.example" not in atom and app.config["PUBLIC_BASE_URL"] in atom
