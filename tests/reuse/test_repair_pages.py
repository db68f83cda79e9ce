"""Repair pages: sending an item, the job page's cost against the replacement value, the steps,
the partner's link (a plain 404 once expired or revoked), CSRF, and other departments kept out."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.timeutil import utcnow
from inventory import disposals
from inventory.models import Disposition, EventKind, ItemEvent
from reuse.repairs.models import RepairJob, RepairPlace
from reuse.repairs.states import RepairStatus
from tests.conftest import PASSWORD, csrf_token
from tests.reuse.repairing import add_partner, send


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


@pytest.fixture
def chair(make_item, make_category, manager):
    category = make_category("Office chair", replacement_value=Decimal("2000"))
    return make_item("Office chair", department=manager.department, category=category)


@pytest.fixture
def job(app, db_session, manager, chair):
    with app.test_request_context():
        made = send(db_session, chair, by=manager, estimate="1500")
    db_session.commit()
    return made


def link_in(page: str) -> str:
    return re.search(r'id="repair-link"[^>]*value="https://reshelf\.test([^"]+)"', page).group(1)


def status_of(db_session, job_id: int) -> RepairStatus:
    db_session.expire_all()
    return db_session.get(RepairJob, job_id).status


def test_sending_to_the_workshop_opens_the_job_and_writes_history(
    client, login, db_session, manager, chair
):
    login(client, manager)
    response = client.post(f"/items/{chair.id}/repair",
                           data={"fault": "Armrest loose", "place": "workshop",
                                 "estimated_cost": "250"})  # fmt: skip
    job = db_session.scalar(select(RepairJob))
    assert response.status_code == 302 and response.headers["Location"] == f"/repairs/jobs/{job.id}"
    assert (job.fault, job.estimated_cost, job.status) == ("Armrest loose", 250, RepairStatus.SENT)
    assert db_session.scalar(select(func.count()).select_from(ItemEvent).where(
        ItemEvent.kind == EventKind.REPAIR)) == 1  # fmt: skip
    assert "See its repair job" in client.get(f"/items/{chair.id}").text


def test_a_disposed_item_is_refused_with_a_message(client, login, db_session, manager, chair):
    disposals.dispose_item(db_session, chair, Disposition.SCRAPPED, by=manager, now=utcnow())
    db_session.commit()
    login(client, manager)
    response = client.post(f"/items/{chair.id}/repair", data={"fault": "x", "place": "workshop"},
                           follow_redirects=True)  # fmt: skip
    assert "disposed of: it cannot be sent to repair" in response.text
    assert db_session.scalar(select(func.count()).select_from(RepairJob)) == 0


def test_the_job_page_weighs_the_repair_cost_against_the_replacement_value(
    client, login, manager, job
):
    login(client, manager)
    page = client.get(f"/repairs/jobs/{job.id}").text
    section = page[page.index('id="repair-or-scrap"') :]
    assert "1,500.00" in section and "2,000.00" in section
    assert "Weigh it up: the repair costs more than half of a new one." in section


def test_a_step_out_of_order_says_why_and_changes_nothing(client, login, db_session, manager, job):
    login(client, manager)
    response = client.post(f"/repairs/jobs/{job.id}/repaired", follow_redirects=True)
    assert "that step does not come next" in response.text
    assert status_of(db_session, job.id) == RepairStatus.SENT


def test_steps_through_the_pages(client, login, db_session, manager, job):
    login(client, manager)
    client.post(f"/repairs/jobs/{job.id}/quote", data={"cost": "900", "note": "Welding"})
    client.post(f"/repairs/jobs/{job.id}/approve")
    client.post(f"/repairs/jobs/{job.id}/lines",
                data={"kind": "labour", "description": "Welding", "amount": "1,5", "cost": "900"})  # fmt: skip
    client.post(f"/repairs/jobs/{job.id}/repaired")
    refused = client.post(f"/repairs/jobs/{job.id}/return", data={"outcome": "aid_cycle"},
                          follow_redirects=True).text  # a chair has no aid cycle  # fmt: skip
    assert "no assistive aid" in refused and status_of(db_session, job.id) == RepairStatus.REPAIRED
    client.post(f"/repairs/jobs/{job.id}/return", data={"outcome": "to_stock"})
    assert status_of(db_session, job.id) == RepairStatus.RETURNED
    assert "Back to stock" in client.get(f"/repairs/jobs/{job.id}").text


def test_the_list_marks_overdue_jobs(client, login, db_session, manager, job):
    job.since = utcnow() - timedelta(days=30)
    db_session.commit()
    login(client, manager)
    page = client.get("/repairs").text
    assert "Office chair" in page and "Overdue" in page
    job.status = RepairStatus.WRITTEN_OFF
    db_session.commit()
    page = client.get("/repairs").text
    assert "No open repair jobs." in page and "Written off" in page.split("closed-repair-jobs")[1]


def test_a_partner_works_through_its_link_until_it_is_revoked(
    app, client, login, db_session, manager, chair
):
    partner = add_partner(db_session)
    db_session.commit()
    login(client, manager)
    page = client.post(f"/items/{chair.id}/repair",
                       data={"fault": "Torn seat", "place": "partner",
                             "partner_id": str(partner.id)}).text  # fmt: skip
    link = link_in(page)
    job = db_session.scalar(select(RepairJob))
    assert job.link_hash and job.link_hash not in page  # only the hash is kept
    outsider = app.test_client()
    assert "Torn seat" in outsider.get(link).text
    outsider.post(link + "/quote", data={"cost": "400", "note": "New fabric"})
    assert status_of(db_session, job.id) == RepairStatus.QUOTED
    client.post(f"/repairs/jobs/{job.id}/link/revoke")
    assert outsider.get(link).status_code == 404
    assert outsider.post(link + "/lines", data={"kind": "part", "description": "x",
                                                "amount": "1", "cost": "1"}).status_code == 404  # fmt: skip


def test_an_expired_or_wrong_link_shows_nothing(app, client, login, db_session, manager, chair):
    partner = add_partner(db_session)
    with app.test_request_context():
        job = send(db_session, chair, by=manager, place=RepairPlace.PARTNER, partner=partner)
    db_session.commit()
    login(client, manager)
    link = link_in(client.post(f"/repairs/jobs/{job.id}/link").text)
    assert client.get(link).status_code == 200
    job = db_session.get(RepairJob, job.id)
    job.link_expires_at = utcnow() - timedelta(seconds=1)
    db_session.commit()
    for url in (link, link[:-2], "/repairs/not-a-token"):
        response = app.test_client().get(url)
        assert response.status_code == 404 and "Office chair" not in response.text


def test_posts_without_the_csrf_token_change_nothing(csrf_app, app, db_session, manager, chair):
    partner = add_partner(db_session)
    with app.test_request_context():
        job = send(db_session, chair, by=manager, place=RepairPlace.PARTNER, partner=partner)
    db_session.commit()
    client = csrf_app.test_client()
    client.post("/login", data={"email": manager.email, "password": PASSWORD,
                                "csrf_token": csrf_token(client, "/login")})  # fmt: skip
    assert client.post(f"/repairs/jobs/{job.id}/approve").status_code == 400
    token = csrf_token(client, f"/repairs/jobs/{job.id}")
    link = link_in(client.post(f"/repairs/jobs/{job.id}/link", data={"csrf_token": token}).text)
    outsider = csrf_app.test_client()
    assert outsider.post(link + "/quote", data={"cost": "10"}).status_code == 400
    assert status_of(db_session, job.id) == RepairStatus.SENT
    outsider.post(link + "/quote", data={"cost": "10", "csrf_token": csrf_token(outsider, link)})
    assert status_of(db_session, job.id) == RepairStatus.QUOTED
    client.post(f"/repairs/jobs/{job.id}/approve", data={"csrf_token": token})
    assert status_of(db_session, job.id) == RepairStatus.APPROVED


@pytest.mark.parametrize(("role", "get", "post"), [(Role.REQUESTER, 404, 404),
                                                   (Role.STAFF, 200, 403)])  # fmt: skip
def test_another_departments_user_is_refused(client, login, db_session, make_user, job, role,
                                             get, post):  # fmt: skip
    login(client, make_user(role))
    assert client.get(f"/repairs/jobs/{job.id}").status_code == get
    assert client.post(f"/repairs/jobs/{job.id}/approve").status_code == post
    assert (
        client.post(f"/repairs/jobs/{job.id}/write-off", data={"reason": "x"}).status_code == post
    )
    assert status_of(db_session, job.id) == RepairStatus.SENT
    assert ("Office chair" in client.get("/repairs").text) == (role == Role.STAFF)


def test_the_savings_page_shows_what_repairs_saved(app, client, login, db_session, manager, job):
    from reuse.repairs import services
    from reuse.repairs.models import RepairOutcome
    from reuse.repairs.services import Actor

    job.item.category.weight_kg = Decimal("12")
    with app.test_request_context():
        services.approve(db_session, job, by=manager, now=utcnow())
        services.mark_repaired(db_session, job, actor=Actor(manager), now=utcnow())
        services.return_item(db_session, job, RepairOutcome.TO_STOCK, by=manager, now=utcnow())
    db_session.commit()
    login(client, manager)
    page = client.get("/reuse/savings").text
    assert "Saved by repairs" in page and "500.00" in page and "12 kg" in page
    assert client.get("/reuse/savings.xlsx").status_code == 200


def test_back_to_its_listing_links_the_listing(app, client, login, db_session, manager, chair):
    from reuse.repairs import services
    from reuse.repairs.models import RepairOutcome
    from reuse.repairs.services import Actor
    from tests.reuse import making

    with app.test_request_context():
        listing = making.flag(db_session, chair, by=manager)
        job = send(db_session, chair, by=manager)
        services.approve(db_session, job, by=manager, now=utcnow())
        services.mark_repaired(db_session, job, actor=Actor(manager), now=utcnow())
        services.return_item(db_session, job, RepairOutcome.TO_LISTING, by=manager, now=utcnow())
    db_session.commit()
    login(client, manager)
    page = client.get(f"/repairs/jobs/{job.id}").text
    assert "Back to its listing" in page and f'href="/reuse/listings/{listing.id}"' in page


def test_photos_of_the_fault_go_on_the_item_and_a_bad_one_sends_nothing(
    client, login, db_session, manager, chair
):
    import io

    from PIL import Image

    from inventory.models import ItemPhoto

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, format="JPEG")
    login(client, manager)
    bad = client.post(f"/items/{chair.id}/repair", data={
        "fault": "Cracked", "place": "workshop",
        "photos": [(io.BytesIO(out.getvalue()), "a.jpg"), (io.BytesIO(b"not a photo"), "b.jpg")],
    }, content_type="multipart/form-data")  # fmt: skip
    assert bad.status_code == 200
    assert db_session.scalar(select(func.count()).select_from(RepairJob)) == 0
    good = client.post(f"/items/{chair.id}/repair", data={
        "fault": "Cracked", "place": "workshop", "photos": [(io.BytesIO(out.getvalue()), "a.jpg")],
    }, content_type="multipart/form-data")  # fmt: skip
    assert good.status_code == 302
    assert db_session.scalar(select(func.count()).select_from(ItemPhoto)) == 1
    assert "Photo of Office chair" in client.get(good.headers["Location"]).text
