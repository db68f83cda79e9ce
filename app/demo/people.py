"""The demo's people: a dozen staff of the municipality in their roles and departments, each
with a fresh random password that the command prints once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.audit.models import AuditAction
from app.audit.record import record_event, user_state, user_target
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import create_user
from app.demo.places import FACILITIES
from inventory.models import Department

DOMAIN = "sundby.example"
# (name, role, department); the first of each role is the one the command names first.
PEOPLE = [
    ("Anna Lindqvist", Role.ADMIN, FACILITIES),
    ("Lars Nilsson", Role.MANAGER, FACILITIES),
    ("Maria Ekström", Role.MANAGER, "Solgårdens äldreboende"),
    ("Johan Berg", Role.STAFF, FACILITIES),
    ("Ahmed Hassan", Role.STAFF, FACILITIES),
    ("Sara Holm", Role.STAFF, "Solgårdens äldreboende"),
    ("Eva Karlsson", Role.REQUESTER, "Östra skolan"),
    ("Peter Sjöberg", Role.REQUESTER, "Västra skolan"),
    ("Fatima Ali", Role.REQUESTER, "Hemtjänst Norr"),
    ("Karin Johansson", Role.REQUESTER, "Hemtjänst Syd"),
    ("Erik Lund", Role.REQUESTER, "Kulturhuset"),
    ("Mikael Öberg", Role.REQUESTER, "Fritidsgården Oasen"),
    ("Linnea Persson", Role.REQUESTER, "Solgårdens äldreboende"),
]


@dataclass
class People:
    """The demo's users, by role, with the passwords to print."""

    users: list[User]
    passwords: dict[str, str]  # email -> password

    def first(self, role: Role) -> User:
        return next(user for user in self.users if user.role == role)

    def all(self, role: Role) -> list[User]:
        return [user for user in self.users if user.role == role]


def email_of(name: str) -> str:
    """firstname.lastname@, in plain letters, as the municipality's addresses are made."""
    plain = name.lower().translate(str.maketrans("åäöé ", "aaoe."))
    return f"{plain}@{DOMAIN}"


def load_people(session: Session, departments: dict[str, Department], *, now: datetime) -> People:
    """Create the accounts, each recorded in the audit trail as the create-user command does."""
    users, passwords = [], {}
    for name, role, department in PEOPLE:
        email, password = email_of(name), secrets.token_urlsafe(9)
        user = create_user(session, email, role=role, department=departments[department],
                           name=name, password=password, language="sv")  # fmt: skip
        record_event(session, AuditAction.USER_CREATED, user_target(user), actor=None,
                     remote_addr=None, now=now, after=user_state(session, user))  # fmt: skip
        users.append(user)
        passwords[email] = password
    return People(users, passwords)
