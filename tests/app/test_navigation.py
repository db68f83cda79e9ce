"""The menu offers every page a role may use, and none it may not; no page is left without a way in."""

import pytest
from flask import url_for

from app.auth.roles import Role
from app.navigation import MENU, menu_for

# Pages outside the menu, and the page that links to each (the top bar is on every page).
REACHED_FROM = {
    "inventory.home": "inventory.items",  # the brand
    "scan.lookup": "inventory.items",  # the top bar's Scan
    "aids.scan": "scan.lookup",  # the scanning page's modes
    "inbox.inbox": "inventory.items",  # the menu's account group
    "auth.account": "inventory.items",
    "admin.invite_user": "admin.users",
    "audit.download": "audit.events",
    "imports.upload": "imports.batches",
    "labels.edit_profile": "labels.profiles",
    "partners.add": "partners.directory",
    "places.edit_category": "places.categories",
    "places.edit_site": "places.sites",
    "places.edit_department": "places.departments",
    "places.edit_storeroom": "places.sites",  # with ?site=
    "savings.report_xlsx": "savings.report",
    "tokens.tokens": "auth.account",
    "api.reference": "tokens.tokens",
    "api.openapi": "api.reference",
}
# Not pages to find: before logging in, for scripts, or needing what a page passes on.
NOT_IN_NAVIGATION = {
    "auth.login",
    "auth.setup",
    "scan.offline_index",
    "scan.service_worker",
    "scan.sync_token",
    "labels.print_labels",  # ?source= from a list of items, a batch or a site
    "reuse_offers.offer_many",  # the ticked items of the item list
}
# The API's calls are for programs, found through its description (api.openapi).
API_CALLS = "api."


def menu_endpoints(app, role: Role) -> set[str]:
    with app.test_request_context():
        return {link.endpoint for _label, links in menu_for(app, role) for link in links}


def test_a_manager_finds_partners_and_an_admin_the_audit_trail(app):
    assert "partners.directory" in menu_endpoints(app, Role.MANAGER)
    assert "audit.events" in menu_endpoints(app, Role.ADMIN)
    assert "audit.events" not in menu_endpoints(app, Role.MANAGER)


def test_a_requester_is_offered_only_pages_they_may_use(app):
    offered = menu_endpoints(app, Role.REQUESTER)
    assert offered.isdisjoint({
        "partners.directory", "imports.batches", "admin.users", "audit.events",
        "demand.checks", "labels.reserved_codes", "scan.move_start",
        "stocktake.stocktake_start", "reuse_settings.edit",
    })  # fmt: skip
    assert {"market.index", "scan.not_seen", "labels.profiles", "demand.check"} <= offered


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_menu_entry_opens_for_its_role(app, client, login, make_user, role):
    login(client, make_user(role))
    home = client.get("/").text
    for endpoint in menu_endpoints(app, role):
        with app.test_request_context():
            url = url_for(endpoint)
        assert f'href="{url}"' in home
        assert client.get(url).status_code == 200, url
    assert "Log out" in home


def test_every_page_has_a_way_in(app, client, login, make_user, make_storeroom):
    make_storeroom()
    login(client, make_user(Role.ADMIN))
    in_menu = {entry.endpoint for group in MENU for entry in group.entries}
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static" and "GET" in r.methods]
    pages = {r.endpoint for r in rules if not r.arguments - set(r.defaults or {})}
    pages = {p for p in pages if not p.startswith(API_CALLS) or p in REACHED_FROM}
    lost = pages - in_menu - REACHED_FROM.keys() - NOT_IN_NAVIGATION
    assert lost == set(), "add the page to the menu (app/navigation.py) or link it from a page"
    for endpoint, parent in REACHED_FROM.items():
        with app.test_request_context():
            url, parent_url = url_for(endpoint), url_for(parent)
        assert f'href="{url}' in client.get(parent_url).text, f"{parent_url} links to {url}"
