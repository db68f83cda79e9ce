"""Who may see import batches: the facility managers and admins who import. Anyone else is
answered about a batch as about one that does not exist, so nobody learns which do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.auth.roles import Role

if TYPE_CHECKING:
    from app.auth.models import User

IMPORTERS = (Role.ADMIN, Role.MANAGER)


def can_see_batches(user: User) -> bool:
    return user.role in IMPORTERS
