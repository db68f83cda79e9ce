"""Imports through the API: upload, preview with its grouped errors, commit, progress, undo,
through the same jobs and services as the import pages, and every refusal changing nothing.

Jobs run at once in the tests (BACKGROUND_IMMEDIATE); `queued` puts them on the queue."""

import io

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditAction, AuditEvent
from app.auth.roles import Role
from imports.models import BatchStatus, ImportBatch
from inventory.models import Department, EventKind, Item, ItemEvent
from tests.background import run_queued
from tests.imports.importing import xlsx
from tests.stock_lists import workbook

CSV = b"Name;Quantity\nChair;2\nDesk;1\nBroken;-1\n"
BOOK = xlsx([["Name", "Quantity"], ["Chair", 1]])


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


def upload(api, data: bytes, name: str, **options):
    form = {"file": (io.BytesIO(data), name), **options}
    return api.post("/api/v1/imports", data=form, content_type="multipart/form-data")


def count(db_session, model) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model))


def test_upload_preview_commit_and_undo(api_as, manager, db_session):
    api = api_as(manager)
    answer = upload(api, CSV, "stock.csv")
    assert answer.status_code == 201, answer.json
    batch = answer.json
    assert (batch["status"], batch["state"], batch["job"]) == ("preview", "checked", None)
    assert batch["preview"]["counts"] == {"new": 2, "update": 0, "unchanged": 0, "error": 1}
    [error] = batch["preview"]["errors"]
    assert (error["column"], error["rows"]) == ("Quantity", [4]) and error["problem"]
    assert [c["field"] for c in batch["preview"]["columns"]] == ["name", "quantity"]
    assert count(db_session, Item) == 0  # a preview writes nothing
    url = batch["links"]["self"]
    assert api.get(url).json == batch
    assert [row["id"] for row in api.get("/api/v1/imports").json["batches"]] == [batch["id"]]
    assert api.get(batch["links"]["progress"]).json["job"] is None

    done = api.post(f"{url}/commit")
    assert done.status_code == 200, done.json
    assert (done.json["state"], done.json["counts"]["new"]) == ("imported", 2)
    assert [(g["column"], g["rows"]) for g in done.json["refused"]] == [("Quantity", [4])]
    items = db_session.scalars(select(Item).order_by(Item.name)).all()
    assert [(i.name, i.quantity) for i in items] == [("Chair", 2), ("Desk", 1)]
    kinds = db_session.scalars(select(ItemEvent.kind).where(ItemEvent.item_id == items[0].id))
    assert EventKind.IMPORTED in kinds.all()

    undone = api.post(f"{url}/undo")
    assert undone.status_code == 200, undone.json
    assert undone.json["state"] == "undone"
    assert sorted(undone.json["undo_report"]["removed"]) == sorted(i.tag for i in items)
    assert count(db_session, Item) == 0
    audit = db_session.scalar(select(AuditEvent).where(AuditEvent.object_id == batch["id"]))
    assert audit.action == AuditAction.IMPORT_UNDONE and audit.actor_id == manager.id


def test_an_update_and_its_undo_leave_history(api_as, manager, make_item, db_session):
    item = make_item("Old name", tag="UPD-1", department=manager.department)
    api = api_as(manager)
    batch = upload(api, b"Tag;Name\nUPD-1;New name\n", "names.csv").json
    assert batch["preview"]["counts"]["update"] == 1
    assert api.post(f"/api/v1/imports/{batch['id']}/commit").status_code == 200
    db_session.refresh(item)
    assert item.name == "New name"
    assert api.post(f"/api/v1/imports/{batch['id']}/undo").status_code == 200
    db_session.refresh(item)
    assert item.name == "Old name"
    changes = db_session.scalars(
        select(ItemEvent.changes).where(ItemEvent.item_id == item.id).order_by(ItemEvent.id)
    ).all()
    assert changes[-2:] == [{"name": ["Old name", "New name"]}, {"name": ["New name", "Old name"]}]


def test_the_upload_options_are_those_of_the_page(api_as, manager, db_session):
    data = workbook({"Cover": [["Stock list 2024"]],
                     "Stock": [["Name", "Department"], ["Bed", "Home care east"]]})  # fmt: skip
    api = api_as(manager)
    answer = upload(api, data, "care.xlsx", sheet="Stock", create_missing="true")
    assert answer.status_code == 201, answer.json
    preview = answer.json["preview"]
    assert (preview["sheet"], preview["sheets"]) == ("Stock", ["Cover", "Stock"])
    assert answer.json["create_missing"] is True and preview["counts"]["new"] == 1
    assert api.post(f"/api/v1/imports/{answer.json['id']}/commit").status_code == 200
    bed = db_session.scalar(select(Item).where(Item.name == "Bed"))
    assert db_session.get(Department, bed.department_id).name == "Home care east"


def test_a_job_still_running_is_a_202_to_follow(api_as, manager, app, queued, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_WAIT_SECONDS", 0)
    api = api_as(manager)
    answer = upload(api, BOOK, "slow.xlsx")
    assert answer.status_code == 202 and answer.json["state"] == "checking"
    assert answer.headers["Location"].endswith(answer.json["links"]["progress"])
    progress = api.get(answer.json["links"]["progress"]).json
    assert (progress["job"]["kind"], progress["job"]["stage"]) == ("check", "waiting")
    assert run_queued(app) == 1
    done = api.get(answer.json["links"]["progress"]).json
    assert done["state"] == "checked", done


@pytest.mark.parametrize(
    ("data", "name", "options", "field", "said"),
    [
        (b"%PDF-1.7 not a spreadsheet", "stock.pdf", {}, "file", "not a spreadsheet"),
        (b"", "empty.csv", {}, "file", "The file is empty."),
        (BOOK, "one.xlsx", {"sheet": "Nowhere"}, "file", "no sheet called Nowhere"),
        (CSV, "stock.csv", {"create_missing": "perhaps"}, "create_missing", "boolean"),
        (CSV, "stock.csv", {"colour": "red"}, "colour", "not permitted"),
    ],
    ids=["unreadable", "empty", "no-such-sheet", "bad-option", "unknown-option"],
)
def test_a_refused_file_is_a_422_and_nothing_is_kept(
    api_as, manager, db_session, data, name, options, field, said
):
    answer = upload(api_as(manager), data, name, **options)
    assert answer.status_code == 422, answer.json
    assert answer.json["error"]["field"] == field and said in answer.json["error"]["message"]
    assert count(db_session, ImportBatch) == 0


def test_a_file_too_large_is_a_413_and_nothing_is_kept(api_as, manager, db_session, app):
    app.config["IMPORT_MAX_BYTES"] = 1000
    try:
        answer = upload(api_as(manager), b"Name\n" + b"Chair\n" * 300, "big.csv")
        assert answer.status_code == 413 and "larger than" in answer.json["error"]["message"]
        huge = upload(api_as(manager), b"Name\n" + b"Chair\n" * 20_000, "huge.csv")
        assert huge.status_code == 413 and huge.json["error"]["code"] == "too_large"
    finally:
        app.config["IMPORT_MAX_BYTES"] = 50 * 1024 * 1024
    assert count(db_session, ImportBatch) == 0


def test_a_file_without_its_field_is_a_422(api_as, manager, db_session):
    answer = api_as(manager).post("/api/v1/imports", data={"sheet": "x"},
                                  content_type="multipart/form-data")  # fmt: skip
    assert answer.status_code == 422 and answer.json["error"]["field"] == "file"
    assert count(db_session, ImportBatch) == 0


def test_state_that_forbids_a_commit_or_undo_is_a_409(api_as, manager, db_session):
    api = api_as(manager)
    batch = upload(api, CSV, "stock.csv").json
    url = batch["links"]["self"]
    refused = api.post(f"{url}/undo")  # not imported yet
    assert refused.status_code == 409 and refused.json["error"]["code"] == "import_state"
    assert api.post(f"{url}/commit").status_code == 200
    again = api.post(f"{url}/commit")
    assert again.status_code == 409 and "already imported" in again.json["error"]["message"]
    assert count(db_session, Item) == 2
    assert api.post(f"{url}/undo").status_code == 200
    assert api.post(f"{url}/undo").status_code == 409
    assert db_session.get(ImportBatch, batch["id"]).status == BatchStatus.UNDONE


def test_all_or_nothing_with_errors_commits_nothing(api_as, manager, db_session):
    api = api_as(manager)
    batch = upload(api, CSV, "stock.csv", all_or_nothing="1").json
    refused = api.post(f"/api/v1/imports/{batch['id']}/commit")
    assert refused.status_code == 409 and refused.json["error"]["code"] == "import_refused"
    assert "all or nothing" in refused.json["error"]["message"]
    assert count(db_session, Item) == 0
    assert db_session.get(ImportBatch, batch["id"]).status == BatchStatus.PREVIEW


def test_an_unreadable_batch_cannot_be_committed(api_as, manager, db_session):
    batch = ImportBatch(filename="x.pdf", sha256="0" * 64, data=b"%PDF", headers=[], mapping=[],
                        uploaded_by_id=manager.id)  # fmt: skip
    db_session.add(batch)
    db_session.commit()
    refused = api_as(manager).post(f"/api/v1/imports/{batch.id}/commit")
    assert refused.status_code == 409 and "not been checked" in refused.json["error"]["message"]


@pytest.mark.parametrize("role", [Role.STAFF, Role.REQUESTER], ids=str)
def test_only_managers_and_admins_import(api_as, manager, make_user, db_session, role):
    batch = upload(api_as(manager), CSV, "stock.csv").json
    other = api_as(make_user(role))
    assert upload(other, CSV, "mine.csv").status_code == 403
    assert other.get("/api/v1/imports").status_code == 403
    for path in ("", "/progress"):
        assert other.get(f"/api/v1/imports/{batch['id']}{path}").status_code == 404
    assert other.post(f"/api/v1/imports/{batch['id']}/commit").status_code == 403
    assert count(db_session, ImportBatch) == 1 and count(db_session, Item) == 0


def test_a_batch_that_does_not_exist_is_a_404(api_as, make_user):
    api = api_as(make_user(Role.ADMIN))
    assert api.get("/api/v1/imports/999999").status_code == 404
    assert api.post("/api/v1/imports/999999/commit").json["error"]["code"] == "not_found"
