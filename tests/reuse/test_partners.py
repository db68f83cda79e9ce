"""The partner directory and the partner's secret link: shown once, replaced, shut."""

import hashlib
import re

import pytest
from sqlalchemy import func, select, text

from app.auth.roles import Role
from reuse.outside import partners
from reuse.outside.models import Partner, PartnerKind
from tests.reuse.outside_helpers import add_partner

NEW = {
    "name": "Åby Re-use",
    "kind": "social_enterprise",
    "town": "Åby",
    "contact_name": "Eva Ek",
    "email": "eva@aby.example",
    "phone": "070-123",
    "notes": "Collects on Fridays",
}


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


def link_in(page: str) -> str:
    return re.search(r'id="partner-link"[^>]*value="([^"]+)"', page).group(1)


def test_a_manager_adds_a_partner_and_sees_its_link_once(client, login, db_session, manager, app):
    login(client, manager)
    response = client.post("/reuse/partners/new", data=NEW)
    assert response.status_code == 200 and "shown only this once" in response.text
    link = link_in(response.text)
    base = app.config["PUBLIC_BASE_URL"]
    assert link.startswith(f"{base}/partners/")
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43
    partner = db_session.scalar(select(Partner))
    assert (partner.name, partner.kind, partner.town, partner.email, partner.active) == (
        "Åby Re-use", PartnerKind.SOCIAL_ENTERPRISE, "Åby", "eva@aby.example", True)  # fmt: skip
    assert partner.token_hash == hashlib.sha256(token.encode()).hexdigest()
    row = db_session.execute(text("SELECT * FROM partners")).one()
    assert all(token not in str(value) for value in row)  # only the hash is kept

    assert client.get(link.removeprefix(base)).status_code == 200
    for page in ("/reuse/partners", f"/reuse/partners/{partner.id}"):
        assert token not in client.get(page).text  # never shown again


def test_a_second_partner_with_the_same_name_is_refused(client, login, db_session, manager):
    add_partner(db_session, name="Åby Re-use")
    login(client, manager)
    response = client.post("/reuse/partners/new", data={**NEW, "name": "åby re-use"})
    assert response.status_code == 200 and "already exists" in response.text
    assert db_session.scalar(select(func.count()).select_from(Partner)) == 1


def test_a_bad_email_is_explained(client, login, db_session, manager):
    login(client, manager)
    response = client.post("/reuse/partners/new", data={**NEW, "email": "eva at aby"})
    assert "Invalid email address" in response.text
    assert db_session.scalar(select(Partner)) is None


def test_editing_keeps_the_link(client, login, db_session, manager):
    partner, token = add_partner(db_session)
    login(client, manager)
    response = client.post(f"/reuse/partners/{partner.id}", data={**NEW, "town": "Sundby"})
    assert response.status_code == 302
    db_session.refresh(partner)
    assert (partner.name, partner.town) == ("Åby Re-use", "Sundby")
    assert client.get(f"/partners/{token}").status_code == 200


def test_a_new_link_shuts_the_old_one_at_once(client, login, db_session, manager):
    partner, old = add_partner(db_session)
    assert client.get(f"/partners/{old}").status_code == 200
    login(client, manager)
    response = client.post(f"/reuse/partners/{partner.id}/new-link")
    new = link_in(response.text).rsplit("/", 1)[1]
    assert new != old
    for path in ("", "/feed.atom", "/feed.csv", "/feed.json"):
        assert client.get(f"/partners/{old}{path}").status_code == 404
        assert client.get(f"/partners/{new}{path}").status_code == 200


def test_a_deactivated_partner_sees_nothing_until_activated(client, login, db_session, manager):
    partner, token = add_partner(db_session)
    login(client, manager)
    assert client.post(f"/reuse/partners/{partner.id}/deactivate").status_code == 302
    assert client.get(f"/partners/{token}").status_code == 404
    assert client.get(f"/partners/{token}/feed.json").status_code == 404
    assert "shut" in client.get("/reuse/partners").text
    assert client.post(f"/reuse/partners/{partner.id}/activate").status_code == 302
    assert client.get(f"/partners/{token}").status_code == 200


@pytest.mark.parametrize("token", ["x", "not-a-token", "a" * 43, "a" * 5000, "%2e%2e"])
def test_a_wrong_token_is_a_plain_404(client, db_session, manager, token):
    add_partner(db_session)
    assert client.get(f"/partners/{token}").status_code == 404
    assert client.get(f"/partners/{token}/feed.csv").status_code == 404


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.STAFF])
def test_only_managers_and_admins_keep_the_directory(client, login, db_session, make_user, role):
    partner, token = add_partner(db_session)
    login(client, make_user(role))
    for url in ("/reuse/partners", "/reuse/partners/new", f"/reuse/partners/{partner.id}"):
        assert client.get(url).status_code == 403, url
    for url in (f"/reuse/partners/{partner.id}/new-link", f"/reuse/partners/{partner.id}/deactivate",
                "/reuse/partners/new", f"/reuse/partners/{partner.id}"):  # fmt: skip
        assert client.post(url, data=NEW).status_code == 403, url
    db_session.refresh(partner)
    assert partner.active and partner.name == "Sundby Second Hand"
    assert partners.partner_by_token(db_session, token) is not None
    assert db_session.scalar(select(func.count()).select_from(Partner)) == 1


def test_an_admin_keeps_the_directory_too(client, login, db_session, make_user):
    login(client, make_user(Role.ADMIN))
    assert client.get("/reuse/partners").status_code == 200
    assert client.post("/reuse/partners/new", data=NEW).status_code == 200
    assert db_session.scalar(select(func.count()).select_from(Partner)) == 1
