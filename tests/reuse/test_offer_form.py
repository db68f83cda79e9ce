"""The offer and request forms ask only what there is to choose, and refuse an empty post."""

from app.auth.roles import Role
from tests.reuse.making import flag


def test_a_closed_listing_does_not_say_what_is_available(
    client, login, db_session, make_user, make_department, make_item
):
    north = make_department("North")
    manager = make_user(Role.MANAGER, department=north)
    listing = flag(db_session, make_item("Desk", department=north), by=manager)
    db_session.commit()
    login(client, manager)
    assert "<dt>Available</dt>" in client.get(f"/reuse/listings/{listing.id}").text
    client.post(f"/reuse/listings/{listing.id}/withdraw")
    page = client.get(f"/reuse/listings/{listing.id}").text
    assert "This listing is closed." in page and "<dt>Available</dt>" not in page
