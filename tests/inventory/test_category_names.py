"""A category's name in each language the organisation gave one: set on the category form,
shown to each reader in their language (its parents too), the main name where none was given;
exports keep the main names, which the importer reads back."""

import pytest
from sqlalchemy import select

from app.audit.models import AuditAction
from app.auth.roles import Role
from inventory.models import Category
from tests.app.auditing import only_row
from tests.imports.test_export_csv_styles import read
from tests.reuse.outside_helpers import offer

FORM = {"name": "Kontorsstol", "kind": "furniture", "name_en": "Office chair",
        "name_da": "Kontorstol", "name_nl": "Bureaustoel"}  # fmt: skip


@pytest.fixture
def chairs(make_category):
    furniture = make_category("Möbler")
    furniture.names = {"en": "Furniture", "da": "Møbler", "nl": "Meubilair"}
    chair = make_category("Kontorsstol", parent=furniture)
    chair.names = {"en": "Office chair", "da": "Kontorstol"}
    return chair


def test_a_manager_names_a_category_in_other_languages(client, db_session, make_user, login):
    login(client, make_user(Role.MANAGER))
    assert client.post("/categories/new", data=FORM).status_code == 302
    category = db_session.scalar(select(Category))
    assert (category.name, category.names) == (
        "Kontorsstol",
        {"en": "Office chair", "da": "Kontorstol", "nl": "Bureaustoel"},
    )
    assert only_row(db_session, AuditAction.CATEGORY_CREATED).after["name_da"] == "Kontorstol"
    page = client.get(f"/categories/{category.id}/edit").text
    assert 'value="Bureaustoel"' in page and 'name="name_sv"' in page
    client.post(f"/categories/{category.id}/edit", data={**FORM, "name_nl": " "})
    db_session.refresh(category)
    assert category.names == {"en": "Office chair", "da": "Kontorstol"}


@pytest.mark.parametrize(
    ("language", "path"),
    [
        ("da", "Møbler &gt; Kontorstol"),
        ("nl", "Meubilair &gt; Kontorsstol"),  # no Dutch name for the chair: the main one
        ("en", "Furniture &gt; Office chair"),
        ("sv", "Möbler &gt; Kontorsstol"),
    ],
)
def test_each_reader_sees_categories_in_their_language(
    client, make_user, login, make_item, chairs, language, path
):
    login(client, make_user(Role.STAFF, language=language))
    item = make_item("Stol", category=chairs)
    assert path in client.get("/categories").text
    assert path in client.get(f"/items/{item.id}").text
    items = client.get("/items").text
    assert f">{path}</option>" in items  # the filter
    assert path in items  # the grey line under the item


def test_an_export_keeps_the_main_names(client, make_user, login, make_item, chairs):
    login(client, make_user(Role.STAFF, language="da"))
    make_item("Stol", category=chairs)
    rows = read(client.get("/items/export.csv").data, ";")
    assert rows[1][rows[0].index("Kategori")] == "Möbler > Kontorsstol"


def test_the_public_market_shows_the_category_in_the_visitors_language(
    client, db_session, make_user, make_item, chairs
):
    owner = make_user(Role.MANAGER)
    offer(db_session, make_item("Stol", category=chairs, department=owner.department), by=owner)
    page = client.get("/market", headers={"Accept-Language": "da-DK"}).text
    assert "Møbler &gt; Kontorstol" in page
    page = client.get("/market", headers={"Accept-Language": "en"}).text
    assert "Furniture &gt; Office chair" in page
