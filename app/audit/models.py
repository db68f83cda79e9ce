"""The audit trail: one append-only row per administration event.

Item changes are not here; they are in each item's own history (inventory.models.ItemEvent).
The database refuses UPDATE and DELETE of these rows (triggers made by the migration), so
not even the app's own database role can rewrite what happened. The actor is kept as an id
without a foreign key and as the e-mail address it had, so a row outlives its user; and on
SQLite a batch migration that copies this table must make the triggers again.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import UTCDateTime
from app.extensions import db
from inventory.models import enum_column


class AuditAction(enum.StrEnum):
    USER_CREATED = "user_created"  # invited by an admin, at first-run setup, or on the CLI
    USER_CHANGED = "user_changed"  # role, department, e-mail, name or language
    USER_DEACTIVATED = "user_deactivated"
    USER_REACTIVATED = "user_reactivated"
    PASSWORD_RESET_REQUESTED = "password_reset_requested"  # an admin issued a reset link
    PASSWORD_RESET_DONE = "password_reset_done"  # the user set a password through it
    INVITATION_ACCEPTED = "invitation_accepted"  # the first password, through an invite link
    PASSWORD_CHANGED = "password_changed"  # by the user, on their account page
    LOGIN_SUCCEEDED = "login_succeeded"
    LOGIN_FAILED = "login_failed"  # a wrong password, or refused by the throttle (see after)
    LOGGED_OUT = "logged_out"
    ACCOUNT_LOCKED = "account_locked"  # by failed logins from many addresses
    ACCOUNT_UNLOCKED = "account_unlocked"  # by an admin, or on the CLI
    SETTINGS_CHANGED = "settings_changed"
    PARTNER_LINK_MADE = "partner_link_made"
    PARTNER_LINK_REPLACED = "partner_link_replaced"
    PARTNER_LINK_SHUT = "partner_link_shut"
    PARTNER_LINK_REOPENED = "partner_link_reopened"
    PARTNER_CHANGED = "partner_changed"  # name, kind, town, contact details or notes
    PRINTER_PROFILE_CREATED = "printer_profile_created"
    PRINTER_PROFILE_CHANGED = "printer_profile_changed"
    IMPORT_UNDONE = "import_undone"
    DEPARTMENT_CREATED = "department_created"
    DEPARTMENT_CHANGED = "department_changed"
    SITE_CREATED = "site_created"
    SITE_CHANGED = "site_changed"
    STOREROOM_CREATED = "storeroom_created"
    STOREROOM_CHANGED = "storeroom_changed"  # its code, name, site, department or notes
    CATEGORY_CREATED = "category_created"
    CATEGORY_CHANGED = "category_changed"  # its place in the tree, kind or values
    TOKEN_CREATED = "token_created"  # an API token, on the account page or the CLI
    TOKEN_REVOKED = "token_revoked"
    WEBHOOK_CREATED = "webhook_created"
    WEBHOOK_DEACTIVATED = "webhook_deactivated"
    WEBHOOK_REACTIVATED = "webhook_reactivated"
    WEBHOOK_DELETED = "webhook_deleted"
    AID_GROUP_CREATED = "aid_group_created"  # an equivalence group of aid categories
    AID_GROUP_CHANGED = "aid_group_changed"  # renamed, or made forced or optional


class AuditObject(enum.StrEnum):
    USER = "user"
    API_TOKEN = "api_token"
    SETTINGS = "settings"
    PARTNER = "partner"
    IMPORT_BATCH = "import_batch"
    PRINTER_PROFILE = "printer_profile"
    DEPARTMENT = "department"
    SITE = "site"
    STOREROOM = "storeroom"
    CATEGORY = "category"
    WEBHOOK = "webhook"
    AID_GROUP = "aid_group"


class AuditEvent(db.Model):
    """Who did what to which object, when and from where, with the values before and after."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    action: Mapped[AuditAction] = enum_column(AuditAction, index=True)
    # No foreign key: the row must stay as it is whatever becomes of the user.
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    object_type: Mapped[AuditObject] = enum_column(AuditObject)
    object_id: Mapped[int | None]
    object_label: Mapped[str] = mapped_column(String(300), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    remote_addr: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)
