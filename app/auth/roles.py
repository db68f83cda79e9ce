"""Roles and the role_required decorator: a leaf module every feature may import."""

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required


class Role(enum.StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"  # facility manager
    STAFF = "staff"  # warehouse staff
    REQUESTER = "requester"  # department staff


ROLE_LABELS = {
    Role.ADMIN: _l("Admin"),
    Role.MANAGER: _l("Facility manager"),
    Role.STAFF: _l("Warehouse staff"),
    Role.REQUESTER: _l("Department staff"),
}

# Roles that work across departments; requesters are kept to their own department.
CROSS_DEPARTMENT = frozenset({Role.ADMIN, Role.MANAGER, Role.STAFF})


def role_required(*roles: Role) -> Callable:
    """Allow a view only to logged-in users holding one of `roles` (403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)  # read by the route-walking test
        return wrapped

    return decorator
