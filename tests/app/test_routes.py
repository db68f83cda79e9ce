"""Walk every route with every role, using objects of another department.

A new route fails these tests until it is added to POLICY with what each role may do, so no
route can ship without its authorisation being decided and checked.
"""

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.auth.roles import Role
from app.timeutil import utcnow
from imports import services as imports
from inventory import services
from inventory.models import Item, ItemEvent, ItemPhoto, Organisation
from labels import scanning
from labels import services as label_services
from reuse import partners as partner_services
from reuse import services as reuse
from reuse.demand_models import Wish
from reuse.notice_models import Notification
from reuse.partner_models import Interest

ANON = "anonymous"
ROLES = [ANON, Role.REQUESTER, Role.STAFF, Role.MANAGER, Role.ADMIN]
OK, REDIRECT, LOGIN, FORBIDDEN, HIDDEN = 200, 302, "login", 403, 404

# endpoint -> GET status per role, on objects owned by a department that is not the user's.
# LOGIN means a redirect to the login page.
_everyone = {ANON: LOGIN, Role.REQUESTER: OK, Role.STAFF: OK, Role.MANAGER: OK, Role.ADMIN: OK}
_managers = {
    ANON: LOGIN,
    Role.REQUESTER: FORBIDDEN,
    Role.STAFF: FORBIDDEN,
    Role.MANAGER: OK,
    Role.ADMIN: OK,
}
_admins = {**_managers, Role.MANAGER: FORBIDDEN}
_own_department = {**_everyone, Role.REQUESTER: HIDDEN}
_warehouse = {**_everyone, Role.REQUESTER: FORBIDDEN}
_warehouse_redirect = {
    **_warehouse,
    Role.STAFF: REDIRECT,
    Role.MANAGER: REDIRECT,
    Role.ADMIN: REDIRECT,
}
POLICY = {
    "inventory.home": _everyone,
    "inventory.items": _everyone,
    "inventory.new_item": _everyone,
    "inventory.item": _own_department,
    "inventory.edit_item": _own_department,
    "inventory.move_item": _own_department,
    "inventory.dispose_item": {**_managers, Role.REQUESTER: HIDDEN},
    "inventory.photo": _own_department,
    "scan.resolve": {
        **_own_department,
        Role.STAFF: REDIRECT,
        Role.MANAGER: REDIRECT,
        Role.ADMIN: REDIRECT,
    },
    "scan.lookup": _everyone,
    "scan.move_start": _warehouse,
    "scan.move_into": _warehouse,
    "scan.stocktake_start": _warehouse,
    "scan.stocktake": _warehouse,  # the world's stocktake is open
    "scan.stocktake_report": _warehouse_redirect,  # open: back to counting
    "scan.stocktake_csv": {
        **_warehouse,
        Role.STAFF: HIDDEN,
        Role.MANAGER: HIDDEN,
        Role.ADMIN: HIDDEN,
    },
    "scan.not_seen": _everyone,
    "scan.sync_token": _everyone,
    "scan.offline_index": _everyone,  # only the user's own items (tests/labels/test_offline.py)
    "scan.service_worker": {role: OK for role in ROLES},
    "labels.print_labels": {**{role: HIDDEN for role in ROLES}, ANON: LOGIN},  # needs ?source=
    "labels.reserved_codes": _warehouse,
    "labels.calibration": _everyone,
    "labels.profiles": _everyone,
    "labels.edit_profile": _managers,
    "places.departments": _everyone,
    "places.sites": _everyone,
    "places.categories": _everyone,
    "places.storeroom": _everyone,
    "places.edit_department": _managers,
    "places.edit_site": _managers,
    "places.edit_storeroom": _managers,
    "places.edit_category": _managers,
    "exports.export_items": _everyone,  # what each may see (tests/imports/test_export.py)
    "exports.export_storeroom": _everyone,
    "reuse.offer": _own_department,
    "reuse.market": _everyone,
    "reuse.listing": _everyone,  # offered to the whole organisation
    "reuse.requests": _everyone,
    "inbox.inbox": _everyone,
    "inbox.open_notice": {**{role: HIDDEN for role in ROLES}, ANON: LOGIN},  # another's
    "demand.wishes": _everyone,  # one's own wishes
    "demand.check": _everyone,
    "demand.checks": _managers,
    # the world's photo is of another item than the listing's (tests/reuse/test_offering.py)
    "reuse.photo": {**{role: HIDDEN for role in ROLES}, ANON: LOGIN},
    "reuse_settings.edit": _admins,
    "reuse_offers.offer_many": {**{role: REDIRECT for role in ROLES}, ANON: LOGIN},  # none ticked
    "reuse_offers.scan_offer": _everyone,
    "reuse_closing.close": _managers,
    "savings.report": _everyone,  # a department user sees their own department's figures
    "savings.report_xlsx": _everyone,
    "partners.directory": _managers,
    "partners.add": _managers,
    "partners.edit": _managers,
    # Outside pages: the world's listing is inside (its department), so only lists resolve;
    # "not-a-token" is no partner's link (tests/reuse/test_outside_pages.py has real ones).
    "market.index": {role: OK for role in ROLES},
    "market.feed": {role: OK for role in ROLES},
    "market.listing": {role: HIDDEN for role in ROLES},
    "market.interest": {role: HIDDEN for role in ROLES},
    "market.photo": {role: HIDDEN for role in ROLES},
    "partner_pages.index": {role: HIDDEN for role in ROLES},
    "partner_pages.listing": {role: HIDDEN for role in ROLES},
    "partner_pages.interest": {role: HIDDEN for role in ROLES},
    "partner_pages.photo": {role: HIDDEN for role in ROLES},
    "partner_pages.feed": {role: HIDDEN for role in ROLES},
    "imports.batches": _managers,
    "imports.upload": _managers,
    "imports.batch": _managers,
    "imports.progress": _managers,
    "imports.error_rows": _managers,
    "imports.original": _managers,
    "admin.users": _admins,
    "admin.invite_user": _admins,
    "admin.edit_user": _admins,
    "auth.account": _everyone,
    "auth.login": {**{role: REDIRECT for role in ROLES}, ANON: OK},
    "auth.setup": {role: REDIRECT for role in ROLES},
    "auth.set_password": {role: HIDDEN for role in ROLES},
    # POST-only endpoints: checked by test_forbidden_posts_change_nothing
    "inventory.add_photo": None,
    "scan.attach_code": None,
    "scan.undo_move": None,
    "scan.finish_stocktake": None,
    "scan.fix_stocktake": None,
    "scan.sync": None,
    "inventory.delete_photo": None,
    "auth.logout": None,
    "admin.deactivate_user": None,
    "admin.activate_user": None,
    "admin.reset_password": None,
    "admin.unlock_user": None,
    "reuse.ask": None,
    "reuse.withdraw": None,
    "reuse.decide": None,
    "reuse.cancel": None,
    "demand.remove_wish": None,
    "demand.watch": None,
    "inbox.mark_all_read": None,
    "reuse.window": None,
    "partners.new_link": None,
    "partners.deactivate": None,
    "partners.activate": None,
    "partners.interest_handled": None,
    "imports.check": None,
    "imports.choose_sheet": None,
    "imports.commit": None,
    "imports.undo": None,
}
# POST endpoint -> roles that may use it on another department's objects.
POST_ALLOWED = {
    "inventory.add_photo": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "inventory.delete_photo": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "inventory.edit_item": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "inventory.move_item": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "inventory.dispose_item": {Role.MANAGER, Role.ADMIN},
    "scan.attach_code": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "scan.undo_move": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "scan.finish_stocktake": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "scan.fix_stocktake": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "scan.sync": {Role.REQUESTER, Role.STAFF, Role.MANAGER, Role.ADMIN},  # moves: staff up
    "labels.reserved_codes": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "labels.edit_profile": {Role.MANAGER, Role.ADMIN},
    "admin.deactivate_user": {Role.ADMIN},
    "admin.activate_user": {Role.ADMIN},
    "admin.reset_password": {Role.ADMIN},
    "admin.unlock_user": {Role.ADMIN},
    "admin.edit_user": {Role.ADMIN},
    "admin.invite_user": {Role.ADMIN},
    "places.edit_department": {Role.MANAGER, Role.ADMIN},
    "places.edit_site": {Role.MANAGER, Role.ADMIN},
    "places.edit_storeroom": {Role.MANAGER, Role.ADMIN},
    "places.edit_category": {Role.MANAGER, Role.ADMIN},
    "reuse.ask": {Role.REQUESTER, Role.STAFF, Role.MANAGER, Role.ADMIN},  # any other department
    "reuse.withdraw": {Role.MANAGER, Role.ADMIN},
    "reuse.decide": {Role.MANAGER, Role.ADMIN},
    "reuse.cancel": {Role.MANAGER, Role.ADMIN},  # and the requesting department
    "demand.remove_wish": set(),  # only one's own wish
    "demand.watch": {Role.REQUESTER, Role.STAFF, Role.MANAGER, Role.ADMIN},  # a visible listing
    "inbox.mark_all_read": {Role.REQUESTER, Role.STAFF, Role.MANAGER, Role.ADMIN},  # one's own
    "reuse.window": {Role.MANAGER, Role.ADMIN},
    "reuse_closing.close": {Role.MANAGER, Role.ADMIN},
    "partners.add": {Role.MANAGER, Role.ADMIN},
    "partners.edit": {Role.MANAGER, Role.ADMIN},
    "partners.new_link": {Role.MANAGER, Role.ADMIN},
    "partners.deactivate": {Role.MANAGER, Role.ADMIN},
    "partners.activate": {Role.MANAGER, Role.ADMIN},
    "partners.interest_handled": {Role.MANAGER, Role.ADMIN},  # and the owning department
    "reuse_offers.offer_many": {Role.REQUESTER, Role.STAFF, Role.MANAGER, Role.ADMIN},  # own items
    "reuse_offers.scan_offer": {Role.REQUESTER, Role.STAFF, Role.MANAGER, Role.ADMIN},
    "imports.check": {Role.MANAGER, Role.ADMIN},
    "imports.choose_sheet": {Role.MANAGER, Role.ADMIN},
    "imports.commit": {Role.MANAGER, Role.ADMIN},
    "imports.undo": {Role.MANAGER, Role.ADMIN},
}


@pytest.fixture
def world(db_session, make_department, make_user, make_item, make_storeroom, make_category):
    """Users of every role in a 'home' department, and objects owned by a 'foreign' one."""
    home, foreign = make_department("Home"), make_department("Foreign")
    target_user = make_user(Role.STAFF, department=foreign)
    users = {role: make_user(role, department=home) for role in ROLES if role != ANON}
    room = make_storeroom(code="F1")
    item = make_item("Foreign chair", department=foreign, storeroom=room, tag="FOR-1")
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, format="JPEG")
    from inventory.photos import process_photo

    photo = services.add_photo(
        db_session,
        item,
        process_photo(out.getvalue(), max_pixels=10**6, full_size=100, thumb_size=50),
        by=None,
        now=utcnow(),
        quota=services.PhotoQuota(per_item=5, per_user_per_day=5, bytes_per_user=10**6),
    )
    stocktake = scanning.start_stocktake(db_session, room, by=target_user, now=utcnow())
    organisation = Organisation(name="Org")
    db_session.add(organisation)
    db_session.flush()
    profile = label_services.save_profile(
        db_session, organisation=organisation, name="Office", format_name="L7160",
        offset_x=0, offset_y=0, scale=1,
    )  # fmt: skip
    batch, table = imports.start_batch(db_session, b"Name;Quantity\nChair;2\nBroken;-1\n",
                                       "stock.csv", user=target_user, sheet=None, now=utcnow(),
                                       max_rows=100)  # fmt: skip
    imports.commit(db_session, batch, table, user=target_user, now=utcnow(), tag_prefix="I-",
                   tag_digits=4)  # fmt: skip
    desk = make_item("Foreign desk", department=foreign, storeroom=room, tag="FOR-2")
    listing = reuse.flag_surplus(db_session, desk, quantity=1, reason="", collect_from="",
                                 condition=desk.condition, asking_price=None, by=target_user,
                                 now=utcnow())  # fmt: skip
    third = make_user(Role.REQUESTER, department=make_department("Third"))
    transfer = reuse.request_transfer(db_session, listing, user=third, quantity=1, needed_by=None,
                                      deliver_to=None, deliver_place="Hall", message="",
                                      now=utcnow(), today=utcnow().date())  # fmt: skip
    partner, _token = partner_services.add_partner(
        db_session, partner_services.PartnerDetails(name="Second-hand shop", kind="second_hand")
    )
    interest = Interest(listing_id=listing.id, name="Outsider", email="o@example.org",
                        client_hash="0" * 64)  # fmt: skip
    db_session.add(interest)
    wish = Wish(user_id=target_user.id, department_id=foreign.id, words="desk")
    notice = Notification(user_id=target_user.id, kind="wish_match", listing_id=listing.id,
                          params={"item": "Foreign desk"})  # fmt: skip
    db_session.add_all([wish, notice])
    db_session.commit()
    return {
        "users": users,
        "args": {
            "item_id": item.id,
            "photo_id": photo.id,
            "storeroom_id": room.id,
            "site_id": room.site_id,
            "department_id": foreign.id,
            "category_id": make_category().id,
            "user_id": target_user.id,
            "stocktake_id": stocktake.id,
            "profile_id": profile.id,
            "name": "L7160",
            "code": item.tag,
            "token": "not-a-token",
            "size": "thumb",
            "fmt": "csv",
            "batch_id": batch.id,
            "listing_id": listing.id,
            "request_id": transfer.id,
            "action": "approve",
            "wish_id": wish.id,
            "notification_id": notice.id,
            "partner_id": partner.id,
            "interest_id": interest.id,
            "slug": listing.public_slug,
        },
    }


def url_for_rule(app, rule, args) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{name: args[name] for name in rule.arguments})


def rules(app, method):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static" and method in r.methods]


def client_for(app, role, world):
    client = app.test_client()
    if role != ANON:
        user = world["users"][role]
        assert (
            client.post(
                "/login", data={"email": user.email, "password": "correct horse battery"}
            ).status_code
            == 302
        )
    return client


def snapshot(db_session):
    db_session.expire_all()
    return (
        db_session.scalar(select(func.count()).select_from(Item)),
        db_session.scalar(select(func.count()).select_from(ItemEvent)),
        db_session.scalar(select(func.count()).select_from(ItemPhoto)),
        db_session.scalars(select(Item.version).order_by(Item.id)).all(),
    )


def test_every_route_has_a_policy(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"}
    assert endpoints - POLICY.keys() == set(), "add the new routes to POLICY"


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_get_every_route_as_every_role(app, world, role):
    client = client_for(app, role, world)
    failures = []
    for rule in rules(app, "GET"):
        expected = POLICY[rule.endpoint][role]
        url = url_for_rule(app, rule, world["args"])
        response = client.get(url)
        if expected == LOGIN:
            ok = response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            ok = response.status_code == expected
        if not ok:
            failures.append(f"{url}: {response.status_code}, expected {expected}")
    assert failures == []


@pytest.mark.parametrize("role", [ANON, Role.REQUESTER, Role.STAFF, Role.MANAGER], ids=str)
def test_forbidden_posts_change_nothing(app, db_session, world, role):
    client = client_for(app, role, world)
    before = snapshot(db_session)
    failures = []
    for rule in rules(app, "POST"):
        if rule.endpoint not in POST_ALLOWED or role in POST_ALLOWED[rule.endpoint]:
            continue
        url = url_for_rule(app, rule, world["args"])
        response = client.post(
            url,
            data={
                "disposition": "sold",
                "name": "hacked",
                "role": "admin",
                "storeroom_id": "",
                "place": "Elsewhere",
            },
        )
        refused = response.status_code in (403, 404) or (
            role == ANON and "/login" in response.headers.get("Location", "")
        )
        if not refused:
            failures.append(f"{url}: {response.status_code}")
    assert failures == []
    assert snapshot(db_session) == before


def test_get_requests_change_nothing(app, db_session, world):
    before = snapshot(db_session)
    client = client_for(app, Role.ADMIN, world)
    for rule in rules(app, "GET"):
        client.get(url_for_rule(app, rule, world["args"]))
    assert snapshot(db_session) == before


def test_extra_fields_are_ignored(app, db_session, world):
    """Mass assignment: only declared form fields are bound."""
    client = client_for(app, Role.REQUESTER, world)
    requester = world["users"][Role.REQUESTER]
    response = client.post(
        "/items/new",
        data={
            "name": "Mine",
            "department_id": requester.department_id,
            "place": "Room 1",
            "condition": "good",
            "quantity": "1",
            "status": "disposed",
            "version": "999",
            "id": "424242",
            "created_at": "2001-01-01",
        },
    )
    assert response.status_code == 302
    item = db_session.scalar(select(Item).where(Item.name == "Mine"))
    assert item.id != 424242 and item.status.value == "in_use" and item.version == 1


def test_requester_cannot_file_an_item_under_another_department(app, db_session, world):
    client = client_for(app, Role.REQUESTER, world)
    response = client.post(
        "/items/new",
        data={
            "name": "Sneaky",
            "department_id": world["args"]["department_id"],
            "place": "Room 1",
            "condition": "good",
            "quantity": "1",
        },
    )
    assert response.status_code == 200 and "Not a valid choice" in response.text
    assert db_session.scalar(select(Item).where(Item.name == "Sneaky")) is None
