"""How audit values are shown: words for the actions, and text that cannot pass for markup
or for another line.

Names, labels and typed e-mail addresses come from users. The templates escape markup; here
line breaks and other control or direction characters are replaced by visible stand-ins, so a
name like "Eve\\n2026-01-01 admin approved" shows as one name on its own row.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l

from app.audit.models import AuditAction, AuditObject

ACTION_LABELS = {
    AuditAction.USER_CREATED: _l("User created"),
    AuditAction.USER_CHANGED: _l("User changed"),
    AuditAction.USER_DEACTIVATED: _l("User deactivated"),
    AuditAction.USER_REACTIVATED: _l("User reactivated"),
    AuditAction.PASSWORD_RESET_REQUESTED: _l("Password reset link issued"),
    AuditAction.PASSWORD_RESET_DONE: _l("Password reset through link"),
    AuditAction.INVITATION_ACCEPTED: _l("Invitation accepted"),
    AuditAction.PASSWORD_CHANGED: _l("Password changed"),
    AuditAction.LOGIN_SUCCEEDED: _l("Logged in"),
    AuditAction.LOGIN_FAILED: _l("Login failed"),
    AuditAction.LOGGED_OUT: _l("Logged out"),
    AuditAction.ACCOUNT_LOCKED: _l("Account locked"),
    AuditAction.ACCOUNT_UNLOCKED: _l("Account unlocked"),
    AuditAction.SETTINGS_CHANGED: _l("Settings changed"),
    AuditAction.PARTNER_LINK_MADE: _l("Partner link made"),
    AuditAction.PARTNER_LINK_REPLACED: _l("Partner link replaced"),
    AuditAction.PARTNER_LINK_SHUT: _l("Partner link shut"),
    AuditAction.PARTNER_LINK_REOPENED: _l("Partner link reopened"),
    AuditAction.PARTNER_CHANGED: _l("Partner changed"),
    AuditAction.PRINTER_PROFILE_CREATED: _l("Printer profile created"),
    AuditAction.PRINTER_PROFILE_CHANGED: _l("Printer profile changed"),
    AuditAction.IMPORT_UNDONE: _l("Import undone"),
    AuditAction.DEPARTMENT_CREATED: _l("Department created"),
    AuditAction.DEPARTMENT_CHANGED: _l("Department changed"),
    AuditAction.SITE_CREATED: _l("Site created"),
    AuditAction.SITE_CHANGED: _l("Site changed"),
    AuditAction.STOREROOM_CREATED: _l("Storeroom created"),
    AuditAction.STOREROOM_CHANGED: _l("Storeroom changed"),
    AuditAction.CATEGORY_CREATED: _l("Category created"),
    AuditAction.CATEGORY_CHANGED: _l("Category changed"),
    AuditAction.TOKEN_CREATED: _l("API token made"),
    AuditAction.TOKEN_REVOKED: _l("API token revoked"),
    AuditAction.WEBHOOK_CREATED: _l("Webhook added"),
    AuditAction.WEBHOOK_DEACTIVATED: _l("Webhook switched off"),
    AuditAction.WEBHOOK_REACTIVATED: _l("Webhook switched on"),
    AuditAction.WEBHOOK_DELETED: _l("Webhook deleted"),
    AuditAction.AID_GROUP_CREATED: _l("Equivalence group created"),
    AuditAction.AID_GROUP_CHANGED: _l("Equivalence group changed"),
}
OBJECT_LABELS = {
    AuditObject.USER: _l("User"),
    AuditObject.SETTINGS: _l("Settings"),
    AuditObject.PARTNER: _l("Partner"),
    AuditObject.IMPORT_BATCH: _l("Import"),
    AuditObject.PRINTER_PROFILE: _l("Printer profile"),
    AuditObject.DEPARTMENT: _l("Department"),
    AuditObject.SITE: _l("Site"),
    AuditObject.STOREROOM: _l("Storeroom"),
    AuditObject.CATEGORY: _l("Category"),
    AuditObject.API_TOKEN: _l("API token"),
    AuditObject.WEBHOOK: _l("Webhook"),
    AuditObject.AID_GROUP: _l("Equivalence group"),
}
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}  # controls, format and direction marks, breaks


def _stand_in(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␊ for a line feed
    if code == 0x7F:
        return "\u2421"
    return f"<U+{code:04X}>"


def visible(text: str) -> str:
    """`text` with every control, format, direction or line-break character shown as a
    visible stand-in instead of acting."""
    return "".join(
        _stand_in(c) if unicodedata.category(c) in _HIDDEN_CATEGORIES else c for c in text
    )


def shown(value: Any) -> str:
    """A before or after value as visible text; None is a dash."""
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return visible(text)


def change_rows(before: dict | None, after: dict | None) -> list[tuple[str, str, str]]:
    """(field, before, after) for each field of either state, in a stable order."""
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [(visible(key), shown(before.get(key)), shown(after.get(key))) for key in keys]
