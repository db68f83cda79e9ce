"""The audit trail itself: rows the database will not change, written in the caller's
transaction, kept when their actor goes; the admins' page and its CSV download."""

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError

from app.audit.models import AuditAction, AuditEvent, AuditObject
from app.audit.record import Target, record_event
from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from tests.app.auditing import audit_rows

A = AuditAction
MARCH = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, email="ada@x.org")


@pytest.fixture
def admin_client(client, login, admin):
    login(client, admin)
    return client


def add_event(session, label="Chair", *, action=A.USER_CHANGED, actor=None, at=MARCH, **kw):
    """An event about a user called `label`, committed."""
    target = Target(kw.pop("object_type", AuditObject.USER), kw.pop("object_id", 7), label)
    event = record_event(session, action, target, actor=actor, remote_addr="10.0.0.1", now=at, **kw)
    session.commit()
    return event


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


# --- the rows cannot be changed --------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET actor_email = 'someone@else.org'", "DELETE FROM audit_events"],
)
def test_the_database_refuses_to_change_or_delete_an_audit_row(db_session, statement):
    event = add_event(db_session, before={"role": "staff"}, after={"role": "admin"})
    with pytest.raises(IntegrityError, match="never changed or deleted"):
        db_session.execute(text(statement))
    db_session.rollback()
    (row,) = audit_rows(db_session)
    assert (row.id, row.actor_email, row.after) == (event.id, "", {"role": "admin"})


def test_the_orm_cannot_change_or_delete_an_audit_row_either(db_session):
    event = add_event(db_session)
    for change in (
        update(AuditEvent).values(object_label="forged"),
        delete(AuditEvent).where(AuditEvent.id == event.id),
    ):
        with pytest.raises(IntegrityError):
            db_session.execute(change)
        db_session.rollback()
    assert [row.object_label for row in audit_rows(db_session)] == ["Chair"]


def test_a_row_is_written_in_the_callers_transaction_and_goes_with_its_rollback(app, db_session):
    record_event(
        db_session,
        A.LOGIN_FAILED,
        Target(AuditObject.USER, None, "x@y.org"),
        actor=None,
        remote_addr=None,
        now=MARCH,
    )
    with app.app_context(), db.engine.connect() as other:
        assert other.scalar(select(func.count()).select_from(AuditEvent)) == 0
    db_session.rollback()
    assert audit_rows(db_session) == []


def test_rows_outlive_their_actor_being_deactivated_or_removed(admin_client, db_session, make_user):
    staff = make_user(Role.STAFF, email="sam@x.org")
    add_event(db_session, "Sam's doing", actor=staff)
    admin_client.post(f"/admin/users/{staff.id}/deactivate")
    db_session.execute(delete(User).where(User.id == staff.id))
    db_session.commit()
    (row,) = audit_rows(db_session, A.USER_CHANGED)
    assert (row.actor_id, row.actor_email) == (staff.id, "sam@x.org")
    page = admin_client.get("/admin/audit?actor=sam").text
    assert "sam@x.org" in page and "Sam&#39;s doing" in page


# --- who may see it --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.STAFF, Role.MANAGER])
def test_only_admins_see_the_audit_trail(client, login, db_session, make_user, role):
    add_event(db_session, "secret-label")
    login(client, make_user(role))
    for url in ("/admin/audit", "/admin/audit.csv"):
        response = client.get(url)
        assert response.status_code == 403 and b"secret-label" not in response.data


def test_anonymous_visitors_are_sent_to_log_in(client, admin):
    for url in ("/admin/audit", "/admin/audit.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the page --------------------------------------------------------------------------------


def test_the_page_filters_by_action_actor_and_object(admin_client, db_session, make_user):
    bea = make_user(Role.MANAGER, email="bea@x.org")
    add_event(db_session, "obj-one", actor=bea, object_id=1)
    add_event(
        db_session,
        "obj-two",
        action=A.PARTNER_LINK_SHUT,
        object_type=AuditObject.PARTNER,
        object_id=2,
    )
    add_event(db_session, "obj-three", action=A.LOGIN_FAILED, object_id=3)

    def shown(query: str) -> set[str]:
        page = admin_client.get(f"/admin/audit?{query}").text
        return {label for label in ("obj-one", "obj-two", "obj-three") if label in page}

    assert shown("") == {"obj-one", "obj-two", "obj-three"}
    assert shown("action=login_failed") == {"obj-three"}
    assert shown("actor=BEA") == {"obj-one"}
    assert shown("type=partner") == {"obj-two"}
    assert shown("type=user&object=3") == {"obj-three"}
    assert shown("object=one") == {"obj-one"}
    assert shown("action=nonsense&type=nonsense&since=not-a-day") == shown("")


def test_the_date_range_is_whole_days_where_the_organisation_is(admin_client, db_session):
    events = {
        "first-of-march": datetime(2026, 3, 1, 12, tzinfo=UTC),
        "fifth-of-march": datetime(2026, 3, 5, 12, tzinfo=UTC),
        "sixth-in-stockholm": datetime(2026, 3, 5, 23, 30, tzinfo=UTC),  # 00:30 on the 6th
        "tenth-of-march": datetime(2026, 3, 10, 12, tzinfo=UTC),
    }
    for label, at in events.items():
        add_event(db_session, label, at=at)

    def shown(query: str) -> list[str]:
        page = admin_client.get(f"/admin/audit?{query}").text
        return sorted(label for label in events if label in page)

    assert shown("since=2026-03-02&until=2026-03-05") == ["fifth-of-march"]
    assert shown("since=2026-03-06") == ["sixth-in-stockholm", "tenth-of-march"]
    assert shown("until=2026-03-01") == ["first-of-march"]


def test_the_page_goes_back_in_pages_newest_first(app, admin_client, db_session, monkeypatch):
    for n in range(5):
        add_event(db_session, f"page-event-{n}")
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 2)
    first = admin_client.get("/admin/audit?action=user_changed").text
    assert "page-event-4" in first and "page-event-3" in first and "page-event-2" not in first
    assert 'rel="prev"' not in first
    older = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    assert "action=user_changed" in older  # the filters stay
    second = admin_client.get(older).text
    assert "page-event-2" in second and "page-event-1" in second and "page-event-4" not in second
    assert 'rel="prev"' in second and 'rel="next"' in second


def test_text_from_users_is_escaped_and_cannot_make_a_row_of_its_own(admin_client, db_session):
    forged = "Eve\n2025-01-01 admin approved <script>alert(1)</script>\u202e"
    add_event(db_session, forged, action=A.LOGIN_FAILED, after={"name": forged})
    page = admin_client.get("/admin/audit?action=login_failed").text
    assert "<script>alert(1)" not in page
    shown = "Eve\u240a2025-01-01 admin approved &lt;script&gt;alert(1)&lt;/script&gt;&lt;U+202E&gt;"
    assert page.count(shown) == 2  # the object's name, and the name in the change
    assert page.count("<tr>") == 2  # the header and the one event
    assert "\u202e" not in page


# --- the download ----------------------------------------------------------------------------


def test_the_csv_has_the_pages_filters_and_every_matching_row(
    app, admin_client, db_session, monkeypatch
):
    for n in range(3):
        add_event(db_session, f"csv-{n}", before={"n": n}, after={"n": n + 1})
    add_event(db_session, "not-this-one", action=A.LOGIN_FAILED)
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)  # the page's size: not the download's
    header, *rows = csv_rows(admin_client.get("/admin/audit.csv?action=user_changed"))
    assert header[:3] == ["Time (UTC)", "Action", "Actor"] and len(header) == 10
    assert [row[6] for row in rows] == ["csv-2", "csv-1", "csv-0"]
    assert rows[0][0] == "2026-03-01T00:00:00+00:00" and rows[0][1] == "user_changed"
    assert (rows[0][7], rows[0][8], rows[0][9]) == ('{"n": 2}', '{"n": 3}', "10.0.0.1")


def test_the_csv_defuses_formulas_and_keeps_a_line_break_inside_its_cell(admin_client, db_session):
    add_event(db_session, '=HYPERLINK("http://evil.example","x")', object_id=1)
    add_event(db_session, "Eve\n2025-01-01,admin,approved", object_id=2)
    header, *rows = csv_rows(admin_client.get("/admin/audit.csv"))
    labels = [row[6] for row in rows if row[1] == "user_changed"]
    assert labels == ["Eve\n2025-01-01,admin,approved", '\'=HYPERLINK("http://evil.example","x")']
    assert all(len(row) == len(header) for row in rows)
