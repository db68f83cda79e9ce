"""The menu: every page a role may use, in groups.

Which role may open a page is read from the page's view (the roles `role_required` gave it),
never written down a second time here, so the menu cannot offer a page that answers 403 nor
hide one that a role gained.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, url_for
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.roles import Role


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: LazyString


@dataclass(frozen=True)
class Group:
    label: LazyString
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    endpoint: str


# The account group (inbox, account, log out) is in base.html: it needs a count and a form.
MENU = (
    Group(
        _l("Inventory"),
        (
            Entry("inventory.items", _l("Items")),
            Entry("inventory.new_item", _l("Register an item")),
            Entry("scan.move_start", _l("Move")),
            Entry("stocktake.stocktake_start", _l("Stocktake")),
            Entry("imports.batches", _l("Imports")),
        ),
    ),
    Group(
        _l("Reuse"),
        (
            Entry("reuse.market", _l("Reuse market")),
            Entry("reuse_offers.scan_offer", _l("Offer as surplus")),
            Entry("reuse.requests", _l("Our requests")),
            Entry("demand.check", _l("Check before buying")),
            Entry("demand.checks", _l("Recent checks before buying")),
            Entry("demand.wishes", _l("My wishes")),
            Entry("repairs.jobs", _l("Repairs")),
            Entry("partners.directory", _l("Partners")),
            Entry("market.index", _l("Public market")),
        ),
    ),
    Group(
        _l("Assistive aids"),
        (
            Entry("aids.overview", _l("Aids to do")),
            Entry("aids.issue", _l("Issue an aid")),
            Entry("aids.figures", _l("Aid figures")),
            Entry("aids.plan_list", _l("Aid plans and groups")),
        ),
    ),
    Group(
        _l("Places"),
        (
            Entry("places.sites", _l("Sites and storerooms")),
            Entry("places.departments", _l("Departments")),
            Entry("places.categories", _l("Categories")),
        ),
    ),
    Group(
        _l("Labels"),
        (
            Entry("labels.profiles", _l("Printers")),
            Entry("labels.reserved_codes", _l("Pre-printed codes")),
        ),
    ),
    Group(
        _l("Reports"),
        (
            Entry("savings.report", _l("Savings")),
            Entry("scan.not_seen", _l("Not seen lately")),
        ),
    ),
    Group(
        _l("Admin"),
        (
            Entry("admin.users", _l("Users")),
            Entry("audit.events", _l("Audit trail")),
            Entry("reuse_settings.edit", _l("Reuse settings")),
            Entry("webhooks.index", _l("Webhooks")),
        ),
    ),
)


def may_open(app: Flask, endpoint: str, role: Role) -> bool:
    """Whether `role` may open the page: a view without `allowed_roles` is open to every
    logged-in user (login_required) or to everyone (the public market)."""
    allowed = getattr(app.view_functions[endpoint], "allowed_roles", None)
    return allowed is None or role in allowed


def menu_for(app: Flask, role: Role) -> list[tuple[str, list[Link]]]:
    """The menu's groups with the links `role` may follow; empty groups are left out."""
    groups = []
    for group in MENU:
        links = [
            Link(str(entry.label), url_for(entry.endpoint), entry.endpoint)
            for entry in group.entries
            if may_open(app, entry.endpoint, role)
        ]
        if links:
            groups.append((str(group.label), links))
    return groups


def register_navigation(app: Flask) -> None:
    """Give templates `main_menu()`: the current user's menu."""

    @app.context_processor
    def navigation():
        def main_menu() -> list[tuple[str, list[Link]]]:
            if not current_user.is_authenticated:
                return []
            return menu_for(app, current_user.role)

        return {"main_menu": main_menu}
