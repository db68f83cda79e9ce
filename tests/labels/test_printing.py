"""Printing labels from the web and the CLI: what is printed, for whom, and its history."""

from sqlalchemy import func, select

from app.auth.roles import Role
from app.timeutil import utcnow
from imports import services as imports
from inventory.models import EventKind, Item, ItemEvent, Organisation
from labels import services
from labels.models import ReservedTag
from tests.labels.conftest import decode_pdf

PRINT = {"format": "L7160", "profile": "", "start": "1", "copies": "1"}


def printed(response, tmp_path) -> list[str]:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return sorted(decode_pdf(response.data, tmp_path))


def test_print_the_filtered_list_records_history(
    staff_client, make_item, db_session, tmp_path, app
):
    chairs = [make_item("Chair A"), make_item("Chair B")]
    make_item("Desk")
    response = staff_client.post("/labels/print?source=list&q=chair", data=PRINT)
    base = app.config["PUBLIC_BASE_URL"].upper()
    assert printed(response, tmp_path) == sorted(f"{base}/S/{i.tag}" for i in chairs)
    events = db_session.scalars(
        select(ItemEvent.item_id).where(ItemEvent.kind == EventKind.LABEL_PRINTED)
    ).all()
    assert sorted(events) == sorted(i.id for i in chairs)


def test_print_ticked_items_only_those_the_user_may_see(
    client, login, make_user, make_item, make_department, tmp_path
):
    requester = make_user(Role.REQUESTER)
    mine = make_item("Mine", department=requester.department)
    theirs = make_item("Theirs", department=make_department("Other"))
    login(client, requester)
    response = client.post(
        f"/labels/print?source=items&item={mine.id}&item={theirs.id}", data=PRINT
    )
    payloads = printed(response, tmp_path)
    assert len(payloads) == 1 and payloads[0].endswith(mine.tag.upper())
    assert client.get(f"/labels/print?source=item&id={theirs.id}").status_code == 404


def test_storeroom_labels_for_a_site(staff_client, make_storeroom, tmp_path):
    room = make_storeroom(code="K12")
    make_storeroom(code="K13", site=room.site)
    response = staff_client.post(f"/labels/print?source=site&id={room.site_id}", data=PRINT)
    assert [p.rsplit("/", 1)[1] for p in printed(response, tmp_path)] == ["K12", "K13"]


def test_codes_follow_public_base_url_not_the_host_header(staff_client, make_item, tmp_path, app):
    item = make_item()
    response = staff_client.post(
        f"/labels/print?source=item&id={item.id}",
        data=PRINT,
        headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"},
    )
    assert printed(response, tmp_path) == [f"{app.config['PUBLIC_BASE_URL'].upper()}/S/{item.tag}"]


def test_an_empty_job_says_so(staff_client):
    page = staff_client.post("/labels/print?source=list&q=nothingmatches", data=PRINT)
    assert page.status_code == 200 and "nothing to print" in page.text


def test_a_job_over_the_limit_is_refused_with_the_limit(staff_client, make_item, monkeypatch):
    monkeypatch.setattr(services, "MAX_LABELS_PER_JOB", 3)
    for n in range(2):
        make_item(f"Chair {n}")
    page = staff_client.post("/labels/print?source=list", data={**PRINT, "copies": "2"})
    assert page.status_code == 200 and "at most 3" in page.text


def test_start_beyond_the_sheet_is_a_form_error(staff_client, make_item):
    item = make_item()
    page = staff_client.post(
        f"/labels/print?source=item&id={item.id}", data={**PRINT, "start": "22"}
    )
    assert page.status_code == 200 and "21 labels a sheet" in page.text


def test_printer_profile_is_saved_and_used(
    client, login, make_user, make_item, db_session, tmp_path
):
    db_session.add(Organisation(name="Sundby kommun"))
    db_session.commit()
    manager = make_user(Role.MANAGER)
    login(client, manager)
    response = client.post(
        "/labels/profiles/new",
        data={
            "name": "Office HP",
            "format": "L7160",
            "offset_x": "1.5",
            "offset_y": "-0.5",
            "scale": "1",
        },
    )
    assert response.status_code == 302
    again = client.post(
        "/labels/profiles/new",
        data={
            "name": "office hp",
            "format": "L7160",
            "offset_x": "0",
            "offset_y": "0",
            "scale": "1",
        },
    )
    assert "already exists" in again.text
    profile_id = db_session.scalar(select(func.min(services.PrinterProfile.id)))
    item = make_item()
    response = client.post(
        f"/labels/print?source=item&id={item.id}", data={**PRINT, "profile": str(profile_id)}
    )
    assert len(printed(response, tmp_path)) == 1
    assert (
        client.get(f"/labels/calibration/L7160?profile={profile_id}").mimetype == "application/pdf"
    )


def test_pre_printed_codes_then_register_or_attach(staff_client, make_item, db_session, tmp_path):
    response = staff_client.post(
        "/labels/reserved", data={"count": "3", "format": "L7651", "profile": "", "start": "1"}
    )
    codes = printed(response, tmp_path)
    tags = sorted(db_session.scalars(select(ReservedTag.tag)).all())
    assert len(codes) == 3 and [c.rsplit("/", 1)[1] for c in codes] == [t.upper() for t in tags]
    page = staff_client.get(f"/s/{tags[0].lower()}")
    assert page.status_code == 200 and "Register a new item with this tag" in page.text
    existing = make_item("Old chair", tag="OLD-1")
    response = staff_client.post(f"/s/{tags[0]}/attach", data={"tag": "old-1"})
    assert response.status_code == 302
    db_session.refresh(existing)
    assert existing.tag == tags[0]
    assert staff_client.get(f"/S/{tags[0]}").headers["Location"] == f"/items/{existing.id}"
    event = db_session.scalar(
        select(ItemEvent).where(ItemEvent.item_id == existing.id).order_by(ItemEvent.id.desc())
    )
    assert event.changes == {"tag": ["OLD-1", tags[0]]}
    assert db_session.scalar(select(func.count()).select_from(ReservedTag)) == 2


def test_unknown_code_offers_search_and_registering(staff_client):
    page = staff_client.get("/s/NOPE-42")
    assert (
        page.status_code == 404 and "NOPE-42" in page.text and "/items/new?tag=NOPE-42" in page.text
    )


def test_cli_prints_a_storeroom(runner, make_item, make_storeroom, tmp_path, db_session):
    room = make_storeroom(code="V1")
    items = [make_item(f"Chair {n}", storeroom=room) for n in range(3)]
    out = tmp_path / "out.pdf"
    result = runner.invoke(
        args=["labels", "--storeroom", "v1", "--format", "62x29", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    codes = decode_pdf(out.read_bytes(), tmp_path)
    assert sorted(c.rsplit("/", 1)[1] for c in codes) == sorted(i.tag.upper() for i in items)
    nothing = runner.invoke(args=["labels", "--tags", "NOPE", "-o", str(out)])
    assert nothing.exit_code != 0 and "No item has the tag nope" in nothing.output


def test_a_profile_for_another_format_or_a_start_off_the_sheet_is_refused(
    client, login, make_user, make_item, db_session
):
    organisation = Organisation(name="Sundby kommun")
    db_session.add(organisation)
    db_session.flush()
    profile = services.save_profile(
        db_session, organisation=organisation, name="Roll", format_name="62x29",
        offset_x=0, offset_y=0, scale=1,
    )  # fmt: skip
    db_session.commit()
    login(client, make_user(Role.MANAGER))
    item = make_item()
    page = client.post(
        f"/labels/print?source=item&id={item.id}", data={**PRINT, "profile": str(profile.id)}
    )
    assert page.status_code == 200 and "This profile is for 62x29 labels." in page.text
    page = client.post(
        "/labels/reserved", data={"count": "2", "format": "L7651", "profile": "", "start": "66"}
    )
    assert "65 labels a sheet" in page.text
    assert db_session.scalar(select(func.count()).select_from(ReservedTag)) == 0


def test_attaching_a_code_someone_registered_meanwhile_is_refused(
    staff_client, make_item, db_session
):
    staff_client.post(
        "/labels/reserved", data={"count": "1", "format": "L7160", "profile": "", "start": "1"}
    )
    tag = db_session.scalar(select(ReservedTag.tag))
    make_item("Registered by hand", tag=tag)
    old = make_item("Old chair", tag="OLD-2")
    page = staff_client.post(f"/s/{tag}/attach", data={"tag": "OLD-2"}, follow_redirects=True)
    assert f"The tag {tag} is already in use." in page.text
    db_session.refresh(old)
    assert old.tag == "OLD-2"


def import_two_chairs(db_session, user):
    """Import a small sheet as `user`; return its batch and the tags it created."""
    import_csv = b"Name;Storeroom\nChair one;V1\nChair two;V1\n"
    batch, table = imports.start_batch(db_session, import_csv, "chairs.csv", user=user,
                                       sheet=None, now=utcnow(), max_rows=100)  # fmt: skip
    batch.create_missing = True
    imports.commit(db_session, batch, table, user=user, now=utcnow(),
                   tag_prefix="INV-", tag_digits=6)  # fmt: skip
    db_session.commit()
    tags = db_session.scalars(select(Item.tag).where(Item.name.like("Chair%"))).all()
    return batch, sorted(tags)


def test_print_the_items_of_an_import_batch(
    client, login, make_user, make_item, db_session, tmp_path, app
):
    manager = make_user(Role.MANAGER)
    make_item("Not imported")
    login(client, manager)
    with app.test_request_context():
        batch, tags = import_two_chairs(db_session, manager)
    response = client.post(f"/labels/print?source=batch&id={batch.id}", data=PRINT)
    assert [p.rsplit("/", 1)[1] for p in printed(response, tmp_path)] == [t.upper() for t in tags]
    assert client.get("/labels/print?source=batch&id=999").status_code == 404


def test_cli_prints_an_import_batch(runner, make_user, make_item, db_session, tmp_path, app):
    make_item("Not imported")
    with app.test_request_context():
        batch, tags = import_two_chairs(db_session, make_user(Role.MANAGER))
    out = tmp_path / "batch.pdf"
    result = runner.invoke(args=["labels", "--batch", str(batch.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    codes = decode_pdf(out.read_bytes(), tmp_path)
    assert sorted(c.rsplit("/", 1)[1] for c in codes) == [t.upper() for t in tags]
    missing = runner.invoke(args=["labels", "--batch", "999", "-o", str(out)])
    assert missing.exit_code != 0 and "no import batch 999" in missing.output
