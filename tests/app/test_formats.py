"""Dates, numbers and money read in the reader's locale: Swedish, Danish and Flemish Dutch as
there, English day-first or ISO and never the US month-first; money in the organisation's
currency. Everything is formatted by app/formats.py."""

import ast
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.auth.roles import Role
from app.formats import format_day, format_moment, format_money, format_number
from inventory.models import Organisation

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 12, 5)
MOMENT = datetime(2026, 12, 5, 13, 30, tzinfo=UTC)  # 14:30 in Stockholm
AMOUNT = Decimal("1250.50")


@pytest.mark.parametrize(
    ("language", "short", "medium", "moment"),
    [
        ("en", "2026-12-05", "5 Dec 2026", "2026-12-05 14:30"),
        ("sv", "2026-12-05", "5 dec. 2026", "2026-12-05 14:30"),
        ("da", "05.12.2026", "5. dec. 2026", "05.12.2026 14.30"),
        ("nl", "5/12/2026", "5 dec 2026", "5/12/2026, 14:30"),
    ],
)
def test_days_and_moments_in_each_locale(app, language, short, medium, moment):
    with app.test_request_context(), force_locale(language):
        assert format_day(DAY, "short") == short
        assert format_day(DAY) == medium
        assert format_moment(MOMENT, "short") == moment
        assert format_day(datetime(2026, 12, 5, 23, 30, tzinfo=UTC), "short") == format_day(
            date(2026, 12, 6), "short"
        )  # half past midnight in Stockholm is the next day there


@pytest.mark.parametrize(
    ("language", "number", "money"),
    [
        ("en", "1,250.5", "SEK\xa01,250.50"),
        ("sv", "1\xa0250,5", "1\xa0250,50\xa0kr"),
        ("da", "1.250,5", "1.250,50\xa0SEK"),
        ("nl", "1.250,5", "SEK\xa01.250,50"),
    ],
)
def test_numbers_and_money_in_each_locale(app, language, number, money):
    with app.test_request_context(), force_locale(language):
        assert format_number(Decimal("1250.5")) == number
        assert format_money(AMOUNT, "SEK") == money
        assert format_money(None, "SEK") == "—"


@pytest.mark.parametrize(
    ("language", "currency", "money"),
    [("da", "DKK", "1.250,50\xa0kr."), ("nl", "EUR", "€\xa01.250,50"), ("en", "EUR", "€1,250.50")],
)
def test_money_is_in_the_organisations_currency(app, db_session, language, currency, money):
    db_session.add(Organisation(name="Org", currency=currency))
    db_session.commit()
    with app.test_request_context(), force_locale(language):
        assert format_money(AMOUNT) == money


def test_a_currency_we_do_not_know_follows_the_number_as_given(app, db_session):
    db_session.add(Organisation(name="Org", currency="XYZ"))
    db_session.commit()
    with app.test_request_context(), force_locale("sv"):
        assert format_money(AMOUNT) == "1\xa0250,50 XYZ"


def test_the_account_page_says_when_the_currency_is_unknown(client, db_session, make_user, login):
    db_session.add(Organisation(name="Org", currency="XYZ"))
    db_session.commit()
    login(client, make_user(Role.STAFF))
    page = client.get("/account").text
    assert 'id="currency-fallback"' in page and "XYZ" in page


@pytest.mark.parametrize(
    ("language", "price", "day"),
    [
        ("en", "1,250.50", "4 Mar 2024"),
        ("sv", "1\xa0250,50", "4 mars 2024"),
        ("da", "1.250,50", "4. mar. 2024"),
        ("nl", "1.250,50", "4 mrt 2024"),
    ],
)
def test_the_item_page_reads_in_the_locale(
    client, make_user, login, make_item, language, price, day
):
    login(client, make_user(Role.STAFF, language=language))
    item = make_item(purchase_date=date(2024, 3, 4), purchase_price=AMOUNT)
    page = client.get(f"/items/{item.id}").text
    assert price in page and day in page
    assert "3/4/24" not in page


def test_english_pages_never_write_us_dates(client, make_user, login, make_item):
    login(client, make_user(Role.STAFF, language="en"))
    item = make_item(purchase_date=date(2026, 12, 5))
    page = client.get(f"/items/{item.id}").text
    assert "12/5/26" not in page and "5 Dec 2026" in page


def test_history_values_read_in_the_locale(client, db_session, make_user, login, make_item):
    from app.timeutil import utcnow
    from inventory import item_records

    user = make_user(Role.STAFF, language="da")
    login(client, user)
    item = make_item(purchase_date=date(2024, 3, 4), purchase_price=AMOUNT)
    item_records.update_item(
        db_session, item, {"purchase_date": date(2025, 1, 2), "purchase_price": Decimal("99")},
        expected_version=None, by=user, now=utcnow(),
    )  # fmt: skip
    db_session.commit()
    page = client.get(f"/items/{item.id}").text
    assert "4. mar. 2024" in page and "2. jan. 2025" in page and "99,00" in page


def test_only_app_formats_formats_dates_numbers_and_money():
    """A date written by Flask-Babel or Babel directly would skip the reader's conventions."""
    formatting = {"format_date", "format_datetime", "format_time", "format_decimal",
                  "format_currency", "format_number", "format_percent", "format_skeleton"}  # fmt: skip
    found = []
    for package in ("app", "inventory", "labels", "imports", "reuse"):
        for path in (ROOT / package).rglob("*.py"):
            if path == ROOT / "app/formats.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
                    "babel", "flask_babel"
                ):  # fmt: skip
                    found += [(str(path), a.name) for a in node.names if a.name in formatting]
    assert found == []


@pytest.mark.parametrize(
    ("accept", "currency"), [("da-DK", "DKK"), ("nl-BE", "EUR"), ("sv", "SEK")]
)
def test_setup_offers_the_currency_of_the_readers_country_and_keeps_the_choice(
    client, db_session, accept, currency
):
    page = client.get("/setup", headers={"Accept-Language": accept}).text
    assert f'<option selected value="{currency}">' in page or (
        f'<option value="{currency}" selected>' in page
    )
    form = {"organisation": "Kommune", "department": "Drift", "name": "Ada",
            "email": "ada@example.org", "password": "a long password",
            "confirm": "a long password", "currency": "DKK"}  # fmt: skip
    assert client.post("/setup", data=form).status_code == 302
    assert db_session.scalar(select(Organisation.currency)) == "DKK"
