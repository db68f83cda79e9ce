"""Walk every route with every role, using objects of another department.

A new route fails these tests until it is added to POLICY with what each role may do, so no
route can ship without its authorisation being decided and checked.
"""

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from inventory.models import Item
from tests.app.conftest import ANON, ROLES, client_for, rules, snapshot, url_for_rule

OK, REDIRECT, LOGIN, FORBIDDEN, HIDDEN, NO_TOKEN = 200, 302, "login", 403, 404, 401

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
    "stocktake.stocktake_start": _warehouse,
    "stocktake.stocktake": _warehouse,  # the world's stocktake is open
    "stocktake.stocktake_report": _warehouse_redirect,  # open: back to counting
    "stocktake.stocktake_csv": {
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
    "inbox.show_notice": {**{role: HIDDEN for role in ROLES}, ANON: LOGIN},  # another's
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
    "repairs.jobs": _everyone,
    "repairs.new_job": _own_department,
    "repairs.job": _own_department,
    # The world's job is at a partner; "not-a-token" is no link (test_repair_pages has real ones).
    "repair_partner.job": {role: HIDDEN for role in ROLES},
    "imports.batches": _managers,
    "imports.upload": _managers,
    "imports.batch": _managers,
    "imports.progress": _managers,
    "imports.error_rows": _managers,
    "imports.original": _managers,
    "admin.users": _admins,
    "admin.invite_user": _admins,
    "admin.edit_user": _admins,
    "audit.events": _admins,
    "audit.download": _admins,
    "auth.account": _everyone,
    "tokens.tokens": _everyone,  # one's own tokens
    "webhooks.index": _managers,
    "aids.overview": _warehouse,
    "aids.issue": _warehouse,
    "aids.journal": _warehouse,
    "aids.figures": _warehouse,
    "aids.scan": _warehouse,
    "aids.plan_list": _managers,
    "aids.edit_plan": _managers,  # any item one sees; an item that is no aid has no entries
    # The API's description is public; a session cookie opens no call of the API (a token
    # does, walked by tests/app/test_api_routes.py).
    "api.openapi": {role: OK for role in ROLES},
    "api.reference": {role: OK for role in ROLES},
    "auth.login": {**{role: REDIRECT for role in ROLES}, ANON: OK},
    "auth.setup": {role: REDIRECT for role in ROLES},
    "auth.set_password": {role: HIDDEN for role in ROLES},
    # The scan page's decoder, for everyone; the walk's name ("L7160") is no file it serves.
    # tests/app/test_vendor.py checks what it does serve.
    "vendor.vendor_file": {role: HIDDEN for role in ROLES},
    # POST-only endpoints: checked by test_forbidden_posts_change_nothing
    "inventory.add_photo": None,
    "scan.attach_code": None,
    "scan.undo_move": None,
    "stocktake.finish_stocktake": None,
    "stocktake.fix_stocktake": None,
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
    "inbox.open_notice": None,
    "reuse.window": None,
    "partners.new_link": None,
    "partners.deactivate": None,
    "partners.activate": None,
    "partners.interest_handled": None,
    "imports.check": None,
    "imports.choose_sheet": None,
    "imports.commit": None,
    "imports.undo": None,
    "tokens.make": None,
    "tokens.revoke": None,
    "webhooks.add": None,
    "webhooks.switch": None,
    "webhooks.delete": None,
    "webhooks.ping": None,
    "aids.step": None,
    "aids.record": None,
    "aids.save_group": None,
    "aids.service": None,
    "aids.link_accessory": None,
    "aids.unlink_accessory": None,
    "repairs.quote": None,
    "repairs.approve": None,
    "repairs.repaired": None,
    "repairs.add_line": None,
    "repairs.return_item": None,
    "repairs.write_off": None,
    "repairs.new_link": None,
    "repairs.revoke_link": None,
    "repair_partner.quote": None,
    "repair_partner.add_line": None,
    "repair_partner.repaired": None,
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
    "stocktake.finish_stocktake": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "stocktake.fix_stocktake": {Role.STAFF, Role.MANAGER, Role.ADMIN},
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
    "inbox.open_notice": set(),  # another's notice: a 404 for everyone
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
    "tokens.make": {Role.REQUESTER, Role.STAFF, Role.MANAGER, Role.ADMIN},  # one's own
    "tokens.revoke": set(),  # another's token: a 404 for everyone
    "webhooks.add": {Role.MANAGER, Role.ADMIN},
    "webhooks.switch": {Role.MANAGER, Role.ADMIN},
    "webhooks.delete": {Role.MANAGER, Role.ADMIN},
    "webhooks.ping": {Role.MANAGER, Role.ADMIN},
    "aids.step": {Role.STAFF, Role.MANAGER, Role.ADMIN},  # as moving the item
    "aids.record": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "aids.scan": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "aids.edit_plan": {Role.MANAGER, Role.ADMIN},
    "aids.save_group": {Role.MANAGER, Role.ADMIN},
    "aids.service": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "aids.link_accessory": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "aids.unlink_accessory": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "repairs.new_job": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "repairs.quote": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "repairs.add_line": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "repairs.repaired": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "repairs.return_item": {Role.STAFF, Role.MANAGER, Role.ADMIN},
    "repairs.approve": {Role.MANAGER, Role.ADMIN},
    "repairs.write_off": {Role.MANAGER, Role.ADMIN},
    "repairs.new_link": {Role.MANAGER, Role.ADMIN},
    "repairs.revoke_link": {Role.MANAGER, Role.ADMIN},
    "repair_partner.quote": set(),  # a wrong link: a 404 for everyone
    "repair_partner.add_line": set(),
    "repair_partner.repaired": set(),
}


def policy_of(endpoint: str) -> dict | None:
    """What each role gets from a route; every call of the API answers a session with 401."""
    if endpoint.startswith("api.") and endpoint not in POLICY:
        return {role: NO_TOKEN for role in ROLES}
    return POLICY[endpoint]


def test_every_route_has_a_policy(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"}
    web = {endpoint for endpoint in endpoints if not endpoint.startswith("api.")}
    assert web - POLICY.keys() == set(), "add the new routes to POLICY"


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_get_every_route_as_every_role(app, world, role):
    client = client_for(app, role, world)
    failures = []
    for rule in rules(app, "GET"):
        expected = policy_of(rule.endpoint)[role]
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
