"""The closing page and the savings report page: who may, what they see, what changes."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.auth.roles import Role
from inventory.models import Disposition, Item, ItemStatus, Organisation
from reuse.listings import services
from reuse.listings.models import ExternalMode, Listing, ListingStatus
from reuse.savings.models import ReuseOutcome


@pytest.fixture
def north(make_department):
    return make_department("Health centre north")


@pytest.fixture
def listing(client, login, db_session, north, make_user, make_item, make_category):
    """A desk offered by its department, worth 2,000 new; the client is logged out after."""
    desks = make_category("Desks", replacement_value=Decimal("2000"), co2e_kg=Decimal("60"))
    desk = make_item("Standing desk", department=north, category=desks)
    login(client, make_user(Role.REQUESTER, department=north))
    client.post(f"/items/{desk.id}/offer", data={"quantity": "1", "condition": "good",
                                                 "version": str(desk.version)})  # fmt: skip
    client.post("/logout")
    return db_session.scalar(select(Listing))


def test_a_manager_closes_a_listing_as_sold_and_sees_it_in_the_report(
    client, login, db_session, north, make_user, listing
):
    db_session.add(Organisation(name="Sundby", currency="SEK"))
    db_session.commit()
    login(client, make_user(Role.MANAGER, department=north))
    page = client.get(f"/reuse/listings/{listing.id}").text
    assert f"/reuse/listings/{listing.id}/close" in page
    form = client.get(f"/reuse/listings/{listing.id}/close").text
    assert "Given away" in form and "Sold" in form and "Recycled" in form
    response = client.post(f"/reuse/listings/{listing.id}/close", data={
        "closing": "sold", "sale_price": "450", "closed_to": "Second-hand shop"})  # fmt: skip
    assert response.status_code == 302
    db_session.expire_all()
    item = db_session.get(Item, listing.item_id)
    assert (item.status, item.disposition) == (ItemStatus.DISPOSED, Disposition.SOLD)
    assert db_session.get(Listing, listing.id).sale_price == Decimal("450.00")
    assert "This listing is closed. Sold." in client.get(f"/reuse/listings/{listing.id}").text
    report = client.get("/reuse/savings").text
    assert "Health centre north" in report
    assert "SEK\xa0450.00" in report and "SEK\xa02,000.00" in report  # revenue, purchase avoided
    again = client.post(f"/reuse/listings/{listing.id}/close", data={
        "closing": "scrapped"})  # an old tab, or a double click  # fmt: skip
    assert again.status_code == 409 and "already closed" in again.text
    assert len(db_session.scalars(select(ReuseOutcome)).all()) == 1


def test_a_sale_without_a_price_is_refused_and_changes_nothing(
    client, login, db_session, north, make_user, listing
):
    login(client, make_user(Role.MANAGER, department=north))
    response = client.post(f"/reuse/listings/{listing.id}/close", data={"closing": "sold"})
    assert response.status_code == 200 and "A sale needs its price." in response.text
    negative = client.post(f"/reuse/listings/{listing.id}/close",
                           data={"closing": "sold", "sale_price": "-5"})  # fmt: skip
    assert negative.status_code == 200 and "has-error" in negative.text
    db_session.expire_all()
    assert db_session.get(Listing, listing.id).status == ListingStatus.OPEN
    assert db_session.get(Item, listing.item_id).status == ItemStatus.OFFERED


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.STAFF])
def test_only_managers_close_even_in_the_owning_department(
    client, login, db_session, north, make_user, listing, role
):
    login(client, make_user(role, department=north))
    assert client.get(f"/reuse/listings/{listing.id}/close").status_code == 403
    response = client.post(f"/reuse/listings/{listing.id}/close",
                           data={"closing": "scrapped"})  # fmt: skip
    assert response.status_code == 403
    assert f"/reuse/listings/{listing.id}/close" not in client.get(
        f"/reuse/listings/{listing.id}").text  # fmt: skip
    db_session.expire_all()
    assert db_session.get(Listing, listing.id).status == ListingStatus.OPEN


def test_a_requester_of_another_department_cannot_close(
    client, login, db_session, make_user, make_department, listing
):
    login(client, make_user(Role.REQUESTER, department=make_department("School")))
    response = client.post(f"/reuse/listings/{listing.id}/close",
                           data={"closing": "given_away"})  # fmt: skip
    assert response.status_code == 403


def test_a_facility_manager_of_any_department_may_close(
    client, login, db_session, make_user, make_department, listing
):
    """Facility managers run reuse across departments (there is no narrower manager role)."""
    login(client, make_user(Role.MANAGER, department=make_department("Facilities")))
    response = client.post(f"/reuse/listings/{listing.id}/close",
                           data={"closing": "recycled"})  # fmt: skip
    assert response.status_code == 302


def test_an_organisation_that_only_gives_is_not_offered_a_sale(
    client, login, db_session, north, make_user, listing
):
    services.reuse_settings(db_session).external_mode = ExternalMode.GIVE
    db_session.commit()
    login(client, make_user(Role.MANAGER, department=north))
    form = client.get(f"/reuse/listings/{listing.id}/close").text
    assert 'value="given_away"' in form and 'value="sold"' not in form
    response = client.post(f"/reuse/listings/{listing.id}/close",
                           data={"closing": "sold", "sale_price": "10"})  # fmt: skip
    assert response.status_code == 200 and "Not a valid choice" in response.text
    db_session.expire_all()
    assert db_session.get(Listing, listing.id).status == ListingStatus.OPEN


def test_an_approved_request_is_named_instead_of_the_form(
    app, client, login, db_session, north, make_user, make_department, listing
):
    manager = make_user(Role.MANAGER, department=north)
    teacher = make_user(Role.REQUESTER, department=make_department("School"))
    login(client, teacher)
    client.post(f"/reuse/listings/{listing.id}/request",
                data={"quantity": "1", "deliver_place": "Room 4"})  # fmt: skip
    client.post("/logout")
    login(client, manager)
    request_id = db_session.scalar(select(Listing).where(Listing.id == listing.id)).requests[0].id
    client.post(f"/reuse/requests/{request_id}/approve")
    page = client.get(f"/reuse/listings/{listing.id}/close").text
    assert "cancel the request or hand it over first" in page and 'name="closing"' not in page
    response = client.post(f"/reuse/listings/{listing.id}/close", data={"closing": "scrapped"})
    assert response.status_code == 409


def test_the_report_shows_a_department_user_only_their_own_department(
    client, login, db_session, north, make_user, make_department, listing
):
    login(client, make_user(Role.MANAGER, department=north))
    client.post(f"/reuse/listings/{listing.id}/close", data={"closing": "given_away"})
    client.post("/logout")
    school = make_department("School")
    login(client, make_user(Role.REQUESTER, department=school))
    page = client.get(f"/reuse/savings?department={north.id}").text
    assert "Figures of your department, School." in page
    assert "Health centre north" not in page and "2,000.00" not in page
    client.post("/logout")
    login(client, make_user(Role.REQUESTER, department=north))
    assert "2,000.00" in client.get("/reuse/savings").text


def test_the_xlsx_export_has_the_pages_figures(
    client, login, db_session, north, make_user, listing
):
    login(client, make_user(Role.ADMIN, department=north))
    client.post(f"/reuse/listings/{listing.id}/close",
                data={"closing": "sold", "sale_price": "450"})  # fmt: skip
    response = client.get("/reuse/savings.xlsx?by=year&start=2000-01-01")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith("savings-2000-01-01.xlsx")
    rows = list(load_workbook(io.BytesIO(response.data))["Savings"].iter_rows(values_only=True))
    header, total = rows[0], rows[-1]
    assert header[0] == "Year" and total[0] == "Total"
    assert total[header.index("Revenue from sales")] == 450
    assert total[header.index("Purchases avoided")] == 2000


def test_bad_filters_are_named_and_the_report_still_shows(client, login, make_user):
    login(client, make_user(Role.MANAGER))
    response = client.get("/reuse/savings?start=31-31-2026&by=decade")
    assert response.status_code == 200
    assert "Not a valid date value." in response.text and "Not a valid choice" in response.text
