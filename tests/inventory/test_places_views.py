import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from inventory.models import Category, Site, Storeroom


@pytest.fixture
def manager_client(client, make_user, login):
    login(client, make_user(Role.MANAGER))
    return client


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def test_manager_creates_a_site_and_a_storeroom(manager_client, db_session):
    assert (
        manager_client.post(
            "/sites/new", data={"name": "Centrallagret", "town": "Sundby"}
        ).status_code
        == 302
    )
    site = db_session.scalar(select(Site))
    response = manager_client.post(
        "/storerooms/new",
        data={
            "code": "CL-A",
            "name": "Hall A",
            "site_id": site.id,
            "department_id": "",
        },
    )
    assert response.status_code == 302
    room = db_session.scalar(select(Storeroom))
    assert (room.code, room.site_id) == ("CL-A", site.id)
    assert "Hall A" in manager_client.get("/sites").text


def test_duplicate_storeroom_code_is_refused_next_to_the_field(
    manager_client, db_session, make_storeroom
):
    room = make_storeroom(code="CL-A")
    response = manager_client.post(
        "/storerooms/new",
        data={
            "code": "cl-a",
            "name": "Other",
            "site_id": room.site_id,
            "department_id": "",
        },
    )
    assert response.status_code == 200
    assert "The storeroom code cl-a is already in use." in response.text
    assert count(db_session, Storeroom) == 1


@pytest.mark.parametrize(
    "form, message",
    [
        ({"name": ""}, "This field is required."),
        ({"name": "Chairs", "replacement_value": "abc"}, "Enter an amount"),
        ({"name": "Chairs", "parent_id": "999"}, "Not a valid choice."),
    ],
)
def test_bad_category_input_saves_nothing(manager_client, db_session, form, message):
    response = manager_client.post("/categories/new", data={"kind": "furniture", **form})
    assert response.status_code == 200 and message in response.text
    assert count(db_session, Category) == 0


def test_category_values_accept_decimal_commas(manager_client, db_session):
    manager_client.post(
        "/categories/new",
        data={
            "name": "Rollator",
            "kind": "assistive_aid",
            "replacement_value": "3 500,00",
            "co2e_kg": "30,5",
        },
    )
    category = db_session.scalar(select(Category))
    assert (str(category.replacement_value), str(category.co2e_kg)) == ("3500.00", "30.50")


def test_department_names_are_unique_ignoring_case(manager_client, db_session, make_department):
    make_department("Hemtjänst Norr")
    response = manager_client.post("/departments/new", data={"name": "HEMTJÄNST NORR"})
    assert response.status_code == 200 and "already exists" in response.text
