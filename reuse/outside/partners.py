"""The partner directory: organisations that see the partner tier through a secret link.

A link's secret is shown once, when it is made; only its sha256 is kept, so a copy of the
database (a backup, a test restore) hands out no links. A new link replaces the old one, which
stops working at once because nothing but the new hash matches.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.folding import folded, folded_sql
from reuse.outside.models import Partner, PartnerKind

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100  # token_urlsafe(32) is 43 characters; anything much longer is not ours


class PartnerError(Exception):
    """Refused; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class PartnerDetails:
    name: str
    kind: PartnerKind
    town: str = ""
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    notes: str = ""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh secret for a partner's link and the hash to store."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def partner_by_token(session: Session, token: str) -> Partner | None:
    """The active partner whose link holds `token`; None for a wrong, old or deactivated one."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return session.scalar(
        select(Partner).where(Partner.token_hash == token_hash(token), Partner.active.is_(True))
    )


def _check_name(session: Session, details: PartnerDetails, partner: Partner | None) -> str:
    name = details.name.strip()
    if not name:
        raise PartnerError(_l("Give the partner a name."))
    same = select(Partner.id).where(folded_sql(Partner.name) == folded(name))
    if partner is not None:
        same = same.where(Partner.id != partner.id)
    if session.scalar(same.limit(1)) is not None:
        raise PartnerError(_l("A partner named %(name)s already exists.", name=name))
    return name


def _apply(partner: Partner, details: PartnerDetails, name: str) -> None:
    partner.name, partner.kind = name, details.kind
    for field in ("town", "contact_name", "email", "phone", "notes"):
        setattr(partner, field, getattr(details, field).strip())


def add_partner(session: Session, details: PartnerDetails) -> tuple[Partner, str]:
    """Add a partner; return it with its link's secret, which is never shown again."""
    name = _check_name(session, details, None)
    token, hashed = new_token()
    partner = Partner(token_hash=hashed, active=True)
    _apply(partner, details, name)
    session.add(partner)
    session.flush()
    return partner, token


def edit_partner(session: Session, partner: Partner, details: PartnerDetails) -> None:
    _apply(partner, details, _check_name(session, details, partner))
    session.flush()


def set_active(session: Session, partner: Partner, active: bool) -> None:
    """Deactivating shuts the partner's link and feeds at once; activating opens them again."""
    partner.active = active
    session.flush()


def new_link(session: Session, partner: Partner) -> str:
    """Replace the partner's link; the old one stops working. Return the new secret."""
    token, partner.token_hash = new_token()
    session.flush()
    return token
