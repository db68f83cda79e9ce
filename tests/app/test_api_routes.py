"""Walk every call of the API with a token of every role, on another department's objects,
as tests/app/test_routes.py walks the pages. A new call fails here until its policy is
written down, so no call ships without its authorisation decided and checked."""

import pytest
from flask.testing import FlaskClient

from app.api.tokens import TokenScope, make_token
from app.auth.roles import Role
from app.timeutil import utcnow
from tests.app.conftest import ANON, ROLES, snapshot, url_for_rule

OK, NO_TOKEN, FORBIDDEN, HIDDEN = 200, 401, 403, 404
OPEN = {"api.openapi", "api.reference"}
ANYONE = {Role.REQUESTER, Role.STAFF, Role.MANAGER, Role.ADMIN}
CROSS = {Role.STAFF, Role.MANAGER, Role.ADMIN}  # roles that work across departments
MANAGERS = {Role.MANAGER, Role.ADMIN}

# GET call -> the roles that read it on the world's objects (others: 404, or 403 for a list
# a role may not read); a call without a token is 401 for everyone.
READ = {
    "api.list_items": ANYONE,  # each sees what they may (tests/api/test_items_api.py)
    "api.get_item": CROSS,
    "api.item_history": CROSS,
    "api.item_photo": CROSS,
    "api.list_departments": ANYONE,
    "api.list_sites": ANYONE,
    "api.list_storerooms": ANYONE,
    "api.list_categories": ANYONE,
    "api.list_imports": MANAGERS,  # who import, as the import pages
    "api.get_import": MANAGERS,
    "api.import_progress": MANAGERS,
    "api.list_listings": ANYONE,  # each sees what their tier may (tests/api/test_reuse_api.py)
    "api.get_listing": ANYONE,  # offered to the whole organisation
    # the world's photo is of another item than the listing's, as for the page's reuse.photo
    "api.listing_photo": set(),
    "api.list_requests": ANYONE,  # each reads what they may (tests/api/test_reuse_api.py)
    "api.get_request": MANAGERS,  # another department's request on a third one's listing
    "api.list_ready_aids": ANYONE,  # each sees what they may (tests/api/test_aids_api.py)
}
# Lists a role may not read at all: 403, as their pages answer (any other call: 404).
ROLE_LISTS = {"api.list_imports"}
# POST, PATCH or DELETE call -> roles that may use it on the world's objects.
WRITE = {
    "api.create_item": ANYONE,  # under their own department (tests/api/test_items_api.py)
    "api.change_item": CROSS,
    "api.move_item": CROSS,
    "api.dispose_item": MANAGERS,
    "api.add_photo": CROSS,
    "api.delete_photo": CROSS,
    "api.create_department": MANAGERS,
    "api.change_department": MANAGERS,
    "api.create_site": MANAGERS,
    "api.change_site": MANAGERS,
    "api.create_storeroom": MANAGERS,
    "api.change_storeroom": MANAGERS,
    "api.create_category": MANAGERS,
    "api.change_category": MANAGERS,
    "api.upload_import": MANAGERS,
    "api.commit_import": MANAGERS,
    "api.undo_import": MANAGERS,
    # Anyone prints labels, of what they may see: a tag they may not see is refused as one that
    # does not exist (tests/api/test_labels_api.py).
    "api.print_labels_api": ANYONE,
    "api.offer_item": CROSS,
    "api.withdraw_listing": MANAGERS,  # and the owning department
    "api.request_listing": ANYONE,  # any other department
    "api.approve_request": MANAGERS,
    "api.decline_request": MANAGERS,
    "api.cancel_request": MANAGERS,  # and the requesting department
    "api.hand_over_request": MANAGERS,  # and the receiving department
    "api.take_aid_step": CROSS,  # those who move the item (tests/api/test_aids_api.py)
}
WRITES = ("POST", "PATCH", "PUT", "DELETE")


def body_for(endpoint: str, args: dict) -> dict:
    """A body the call would accept, so what refuses it is the policy, not the body."""
    bodies = {
        "api.create_item": {"name": "hacked", "department_id": args["department_id"]},
        "api.change_item": {"name": "hacked", "version": 1},
        "api.move_item": {"place": "Elsewhere"},
        "api.dispose_item": {"disposition": "sold"},
        "api.create_storeroom": {"code": "HACK", "name": "x", "site_id": args["site_id"]},
        "api.change_storeroom": {"code": "HACK", "name": "x", "site_id": args["site_id"]},
        "api.upload_import": {},  # multipart in truth: the role is refused before the body
        "api.commit_import": {},
        "api.undo_import": {},
        "api.print_labels_api": {"tags": [args["tag"]]},
        "api.offer_item": {"reason": "hacked"},
        "api.withdraw_listing": {},
        "api.request_listing": {"deliver_place": "Hall"},
        "api.approve_request": {"message": "hacked"},
        "api.decline_request": {"message": "hacked"},
        "api.cancel_request": {},
        "api.hand_over_request": {},
        "api.take_aid_step": {"step": "returned"},
    }
    return bodies.get(endpoint, {"name": "hacked"})


def api_rules(app, methods):
    return [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint not in OPEN
        for method in sorted(rule.methods & set(methods))
    ]


def api_client(app, db_session, world, role) -> tuple[FlaskClient, dict]:
    if role == ANON:
        return app.test_client(), {}
    user = world["users"][role]
    secret = make_token(db_session, user, name="walk", scope=TokenScope.WRITE, now=utcnow()).secret
    db_session.commit()
    return app.test_client(), {"Authorization": f"Bearer {secret}"}


def test_every_call_has_a_policy(app):
    calls = {rule.endpoint for rule, _method in api_rules(app, ("GET", *WRITES))}
    assert calls - READ.keys() - WRITE.keys() == set(), "add the new calls to READ or WRITE"


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_read_every_call_as_every_role(app, db_session, world, role):
    client, headers = api_client(app, db_session, world, role)
    failures = []
    for rule, _method in api_rules(app, ("GET",)):
        url = url_for_rule(app, rule, world["args"])
        hidden = FORBIDDEN if rule.endpoint in ROLE_LISTS else HIDDEN
        expected = NO_TOKEN if role == ANON else OK if role in READ[rule.endpoint] else hidden
        response = client.get(url, headers=headers)
        if response.status_code != expected:
            failures.append(f"{url}: {response.status_code}, expected {expected}")
        elif response.status_code != OK:
            assert response.json["error"]["code"] in ("unauthorized", "not_found", "forbidden")
    assert failures == []


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_refused_writes_change_nothing(app, db_session, world, role):
    client, headers = api_client(app, db_session, world, role)
    before = snapshot(db_session)
    failures = []
    for rule, method in api_rules(app, WRITES):
        if role != ANON and role in WRITE[rule.endpoint]:
            continue
        url = url_for_rule(app, rule, world["args"])
        body = body_for(rule.endpoint, world["args"])
        response = client.open(url, method=method, json=body, headers=headers)
        if response.status_code not in (401, 403, 404):
            failures.append(f"{method} {url}: {response.status_code}")
    assert failures == []
    assert snapshot(db_session) == before


def test_a_read_token_writes_nothing(app, db_session, world):
    user = world["users"][Role.ADMIN]
    secret = make_token(db_session, user, name="read", scope=TokenScope.READ, now=utcnow()).secret
    db_session.commit()
    client, before = app.test_client(), snapshot(db_session)
    for rule, method in api_rules(app, WRITES):
        url = url_for_rule(app, rule, world["args"])
        response = client.open(url, method=method, json=body_for(rule.endpoint, world["args"]),
                               headers={"Authorization": f"Bearer {secret}"})  # fmt: skip
        assert response.status_code == 403, url
        assert response.json["error"]["code"] == "insufficient_scope"
    assert snapshot(db_session) == before
