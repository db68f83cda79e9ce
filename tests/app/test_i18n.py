from app.auth.roles import Role


def test_language_follows_the_browser(client, make_user, login):
    login(client, make_user(Role.STAFF))
    swedish = client.get("/items", headers={"Accept-Language": "sv-SE,sv;q=0.9,en;q=0.5"}).text
    assert '<html lang="sv">' in swedish and "Logga ut" in swedish
    english = client.get("/items", headers={"Accept-Language": "en-GB"}).text
    assert "Log out" in english


def test_users_choice_of_language_wins(client, db_session, make_user, login):
    user = make_user(Role.STAFF, language="sv")
    login(client, user)
    page = client.get("/items", headers={"Accept-Language": "en"}).text
    assert '<html lang="sv">' in page


def test_dates_and_numbers_follow_the_locale(client, make_user, login, make_item):
    from datetime import date
    from decimal import Decimal

    login(client, make_user(Role.STAFF, language="sv"))
    item = make_item(purchase_date=date(2024, 3, 4), purchase_price=Decimal("1250.50"))
    page = client.get(f"/items/{item.id}").text
    assert "1\xa0250,50" in page or "1 250,50" in page
    assert "4 mars 2024" in page


def test_every_user_facing_string_has_a_swedish_translation(tmp_path):
    """Extract the strings from the code now and compare them with the Swedish catalogue."""
    import os
    from pathlib import Path

    from babel.messages.frontend import CommandLineInterface
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    pot = tmp_path / "messages.pot"
    cwd = os.getcwd()
    os.chdir(root)
    try:
        CommandLineInterface().run(
            ["pybabel", "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(pot), "."]
        )
    finally:
        os.chdir(cwd)
    with pot.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with (root / "app/translations/sv/LC_MESSAGES/messages.po").open("rb") as f:
        translated = {m.id for m in read_po(f) if m.id and m.string and not m.fuzzy}
    assert sorted(map(str, wanted - translated)) == []


def test_refusals_from_the_domain_are_translated(client, make_user, login, make_item):
    user = make_user(Role.STAFF, language="sv")
    login(client, user)
    make_item(tag="INV-777")
    form = {"tag": "inv-777", "name": "Stol", "quantity": "1", "condition": "good", "place": "B12"}
    page = client.post("/items/new", data={**form, "department_id": user.department_id}).text
    assert "Inventarienumret inv-777 används redan." in page
