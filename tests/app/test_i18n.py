"""The app speaks English (the msgids), Swedish, Danish and Dutch: every string the code and
templates use has a translation in each catalogue, no entry is left untranslated or fuzzy, and
the reader gets their language from their own choice or their browser."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from app.auth.forms import LANGUAGE_CHOICES
from app.auth.roles import Role
from app.i18n import LANGUAGE_NAMES

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ["sv", "da", "nl"]
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|\{\w*\}")


def catalogue(language: str):
    with (ROOT / f"app/translations/{language}/LC_MESSAGES/messages.po").open("rb") as f:
        return read_po(f)


def msgid(message) -> str:
    return message if isinstance(message, str) else message[0]


@pytest.fixture(scope="module")
def used_msgids() -> set[str]:
    """Every msgid of the code and templates, extracted now as babel.cfg says (with _l)."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
    found = extract_from_dir(ROOT, method_map, options_map, keywords=keywords)
    return {msgid(message) for _file, _line, message, _comments, _context in found}


def test_extraction_finds_the_strings_of_code_and_templates(used_msgids):
    assert {"Log out", "Browser default", "%(num)d label"} <= used_msgids


@pytest.mark.parametrize("language", CATALOGUES)
def test_every_string_used_has_a_translation(used_msgids, language):
    translated = {msgid(m.id) for m in catalogue(language) if m.id and m.string}
    assert sorted(used_msgids - translated) == []


@pytest.mark.parametrize("language", CATALOGUES)
def test_no_entry_is_untranslated_or_fuzzy(language):
    entries = [m for m in catalogue(language) if m.id]
    forms = lambda m: m.string if isinstance(m.string, tuple) else (m.string,)  # noqa: E731
    assert [msgid(m.id) for m in entries if m.fuzzy or not all(forms(m))] == []


@pytest.mark.parametrize("language", CATALOGUES)
def test_translations_keep_the_placeholders_of_their_msgid(language):
    """A translation that drops or renames a %(name)s breaks the page that formats it; the
    singular of a plural may leave out the number."""
    wrong = []
    for m in catalogue(language):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for form, text in enumerate(strings):
            found = sorted(PLACEHOLDER.findall(text))
            singular_of_plural = len(ids) == 2 and form == 0
            if found != wanted and not (singular_of_plural and set(found) <= set(wanted)):
                wrong.append((msgid(m.id), text))
    assert wrong == []


@pytest.mark.parametrize("language", CATALOGUES)
def test_each_catalogue_has_two_plural_forms(language):
    po = catalogue(language)
    assert (po.num_plurals, po.plural_expr) == (2, "(n != 1)")


def test_every_language_offered_has_a_catalogue_and_a_choice(app):
    assert app.config["LANGUAGES"] == list(LANGUAGE_NAMES)
    assert [c for c in app.config["LANGUAGES"] if c != "en"] == CATALOGUES
    assert [choice.value for choice in LANGUAGE_CHOICES] == ["", *LANGUAGE_NAMES]


@pytest.mark.parametrize(
    ("accept", "language", "log_out"),
    [
        ("sv-SE,sv;q=0.9,en;q=0.5", "sv", "Logga ut"),
        ("da-DK,da;q=0.9,en;q=0.5", "da", "Log ud"),
        ("nl-BE,nl;q=0.9,fr;q=0.5", "nl", "Afmelden"),
        ("nl", "nl", "Afmelden"),
        ("en-GB", "en", "Log out"),
    ],
)
def test_language_follows_the_browser(client, make_user, login, accept, language, log_out):
    login(client, make_user(Role.STAFF))
    page = client.get("/items", headers={"Accept-Language": accept}).text
    assert f'<html lang="{language}">' in page and log_out in page


@pytest.mark.parametrize("language", ["sv", "da", "nl"])
def test_users_choice_of_language_wins(client, make_user, login, language):
    login(client, make_user(Role.STAFF, language=language))
    page = client.get("/items", headers={"Accept-Language": "en"}).text
    assert f'<html lang="{language}">' in page


@pytest.mark.parametrize("language", ["da", "nl"])
def test_a_user_chooses_danish_or_dutch_on_the_account_page(
    client, db_session, make_user, login, language
):
    user = make_user(Role.STAFF)
    login(client, user)
    page = client.get("/account").text
    assert f'<option value="{language}">{LANGUAGE_NAMES[language]}</option>' in page
    client.post("/account", data={"pref-name": "Kim", "pref-language": language})
    db_session.refresh(user)
    assert user.language == language
    assert f'<html lang="{language}">' in client.get("/items").text


def test_an_admin_gives_a_user_danish_or_dutch(client, db_session, make_user, login):
    admin = make_user(Role.ADMIN)
    login(client, admin)
    page = client.get("/admin/users/new").text
    assert '<option value="da">Dansk</option>' in page
    assert '<option value="nl">Nederlands</option>' in page


def test_a_browser_language_we_do_not_speak_gets_english_and_the_account_page_says_so(
    client, make_user, login
):
    login(client, make_user(Role.STAFF))
    page = client.get("/account", headers={"Accept-Language": "fr-FR"}).text
    assert '<html lang="en">' in page and 'id="language-fallback"' in page
    assert "fr-FR" in page and "2026-05-12" in page
    spoken = client.get("/account", headers={"Accept-Language": "da"}).text
    assert 'id="language-fallback"' not in spoken


def test_a_chosen_language_we_no_longer_speak_gets_english_and_the_account_page_says_so(
    client, make_user, login
):
    login(client, make_user(Role.STAFF, language="de"))
    page = client.get("/account", headers={"Accept-Language": "sv"}).text
    assert '<html lang="en">' in page and 'id="language-fallback"' in page


def test_refusals_from_the_domain_are_translated(client, make_user, login, make_item):
    user = make_user(Role.STAFF, language="sv")
    login(client, user)
    make_item(tag="INV-777")
    form = {"tag": "inv-777", "name": "Stol", "quantity": "1", "condition": "good", "place": "B12"}
    page = client.post("/items/new", data={**form, "department_id": user.department_id}).text
    assert "Inventarienumret inv-777 används redan." in page


@pytest.mark.parametrize(
    ("language", "required", "choice"),
    [
        ("en", "This field is required.", "Not a valid choice."),
        ("sv", "Det här fältet måste fyllas i.", "Inte ett giltigt val."),
        ("da", "Dette felt skal udfyldes.", "Ikke et gyldigt valg."),  # WTForms has no Danish
        ("nl", "Dit veld is verplicht.", "Geen geldige keuze."),
    ],
)
def test_the_forms_own_messages_are_in_the_readers_language(
    client, make_user, login, language, required, choice
):
    login(client, make_user(Role.MANAGER, language=language))
    page = client.post("/categories/new", data={"name": "", "kind": "furniture"}).text
    assert required in page
    page = client.post("/categories/new", data={"name": "Stol", "kind": "spaceship"}).text
    assert choice in page
