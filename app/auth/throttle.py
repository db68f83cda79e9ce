"""Login throttling that slows guessing down and cannot keep the real user out.

Why it has this shape. The rule it replaces counted failures per e-mail address from
anywhere and then refused that account for 15 minutes, the right password included: five
requests every 15 minutes kept an admin out for good, and its per-address limit refused
everyone behind one NAT. Three counters now decide, each about what it can tell apart:

- An account from one address (a *pair*). After `free_failures` failures for one e-mail
  address from one network address, the next attempt from that pair waits `first_delay`, and
  each further failure doubles the wait, up to `max_delay`. A waiting attempt is refused
  before the password is checked, the right one included, so a guesser learns nothing while
  it waits. Another address is another pair: the real user, from their own address, is not
  slowed by someone guessing from elsewhere.
- One address across accounts. A spray of one or two guesses at each of many accounts never
  reaches `free_failures` for any pair, so each address counts its failures too. Over
  `address_limit` within `address_window`, the address is *not* refused: everyone behind a
  NAT shares it, and most of them type their password right. Its pairs lose their free
  failures instead: one failure, and that pair waits. So the right password for an account
  with no failures from this address still gets in, while a wrong password or an unknown
  account is answered "too many attempts from here" (429) and that pair waits from then on.
  What no rule by address can do without locking the NAT out again is refuse a sprayer's
  first guess at each account, which looks exactly like a colleague logging in: each account
  costs the sprayer that one guess and then the growing waits, and the account counter below
  catches an account attacked from everywhere.
- An account from anywhere. Far above what the pairs let one address try (`lock_after`
  failures within `lock_window`; at the defaults, 20 addresses each using their free
  failures), the account is locked, the right password included, until an admin unlocks it
  on the users page or `lock_for` has passed. The admins are told at once (the
  `account_locked` signal becomes a notification, in the inbox and by mail). This is the only
  rule that can keep the real user out, and only during an attack from many addresses,
  which the admins then hear about.

Only checked failures count: an attempt refused while waiting is not counted, so hammering
neither lengthens a wait nor brings the account lock nearer. An unknown e-mail address is
counted, answered and locked exactly like a known one, so no answer tells whether an account
exists. A success clears its own pair only; failures from other addresses keep their waits.

The counters are database rows (one per key: the table does not grow with an attack), so the
throttle holds across gunicorn workers and app servers, on SQLite and PostgreSQL alike. A
failure bumps them with INSERT ... ON CONFLICT DO UPDATE, so failures at the same moment are
all counted and exactly one of them locks an account; a transaction bumps pair, address and
account in that order, so two logins never deadlock on them. Nothing sleeps: a wait is a
refusal that says when to come back.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from blinker import Namespace
from sqlalchemy import ColumnElement, and_, case, delete, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.auth.models import CounterScope, LoginCounter, User
from app.db_types import UTCDateTime

security_log = logging.getLogger("reshelf.security")
signals = Namespace()
# Sent with the User as sender and session=, until= (when it opens by itself) and now=, in the
# transaction that counted the failure; a receiver adds rows to it and never commits.
account_locked = signals.signal("account-locked")
PRUNE_BATCH = 500  # counters forgotten per successful login, at most
MAX_DOUBLINGS = 30  # beyond any sensible max_delay; keeps the arithmetic small


@dataclass(frozen=True)
class Throttle:
    """The rules' numbers (settings LOGIN_*)."""

    free_failures: int = 5
    first_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(hours=1)
    pair_memory: timedelta = timedelta(hours=24)  # after the pair's last failure
    address_limit: int = 30
    address_window: timedelta = timedelta(minutes=15)
    lock_after: int = 100
    lock_window: timedelta = timedelta(hours=1)
    lock_for: timedelta = timedelta(hours=24)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Throttle:
        return cls(
            free_failures=config["LOGIN_FREE_FAILURES"],
            first_delay=config["LOGIN_FIRST_DELAY"],
            max_delay=config["LOGIN_MAX_DELAY"],
            pair_memory=config["LOGIN_PAIR_MEMORY"],
            address_limit=config["LOGIN_ADDRESS_LIMIT"],
            address_window=config["LOGIN_ADDRESS_WINDOW"],
            lock_after=config["LOGIN_LOCK_AFTER"],
            lock_window=config["LOGIN_LOCK_WINDOW"],
            lock_for=config["LOGIN_LOCK_FOR"],
        )

    def wait_after(self, failures: int, *, address_busy: bool) -> timedelta | None:
        """How long a pair waits after its last failure; None while it has free ones left."""
        free = 1 if address_busy else self.free_failures
        if failures < free:
            return None
        return min(self.first_delay * 2 ** min(failures - free, MAX_DOUBLINGS), self.max_delay)

    def forget_after(self) -> timedelta:
        """How long after its last failure no rule reads a counter any more."""
        return max(self.pair_memory, self.address_window, self.lock_window, self.lock_for)


class LoginThrottled(Exception):
    """This attempt is refused, or the failure just counted starts a wait.

    Raised before anything is written (a refusal, `counted` False) or after a counted failure
    (`counted` True; with `account_locked`, this failure locked the account); either way the
    caller commits, so a counted failure is kept, and records which of the two it was.
    """

    def __init__(
        self, retry_after: timedelta, *, account_locked: bool = False, counted: bool = False
    ):
        super().__init__("account locked" if account_locked else "too many failed logins")
        self.retry_after = retry_after
        self.account_locked = account_locked
        self.counted = counted


@dataclass(frozen=True)
class _Counts:
    """What the counters say about one attempt, stale counts already read as zero."""

    pair_failures: int = 0
    pair_last: datetime | None = None
    address_failures: int = 0
    locked_until: datetime | None = None


def network_key(ip: str) -> str:
    """The address a counter is kept for: an IPv6 address stands for its /64, which is one
    household or office network (a host can pick any address in it, and would otherwise get
    fresh free failures with each); IPv4 and anything unparsable stay as they are."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _key(scope: CounterScope, email: str, ip: str) -> ColumnElement[bool]:
    return and_(LoginCounter.scope == scope, LoginCounter.email == email, LoginCounter.ip == ip)


def _keys(email: str, ip: str) -> dict[CounterScope, tuple[str, str]]:
    return {
        CounterScope.PAIR: (email, ip),
        CounterScope.ADDRESS: ("", ip),
        CounterScope.ACCOUNT: (email, ""),
    }


def _read(session: Session, email: str, ip: str, throttle: Throttle, now: datetime) -> _Counts:
    rows = session.execute(
        select(
            LoginCounter.scope,
            LoginCounter.failures,
            LoginCounter.window_start,
            LoginCounter.last_failure_at,
            LoginCounter.locked_at,
        ).where(or_(*(_key(scope, *key) for scope, key in _keys(email, ip).items())))
    ).all()
    counts: dict[str, Any] = {}
    for scope, failures, window_start, last_failure_at, locked_at in rows:
        if scope == CounterScope.PAIR and last_failure_at > now - throttle.pair_memory:
            counts.update(pair_failures=failures, pair_last=last_failure_at)
        elif scope == CounterScope.ADDRESS and window_start > now - throttle.address_window:
            counts.update(address_failures=failures)
        elif scope == CounterScope.ACCOUNT and locked_at and locked_at + throttle.lock_for > now:
            counts.update(locked_until=locked_at + throttle.lock_for)
    return _Counts(**counts)


def refuse_if_throttled(
    session: Session, email: str, ip: str, *, throttle: Throttle, now: datetime
) -> None:
    """Raise LoginThrottled when the account is locked or this pair must still wait."""
    counts = _read(session, email, ip, throttle, now)
    if counts.locked_until is not None:
        raise LoginThrottled(counts.locked_until - now, account_locked=True)
    busy = counts.address_failures >= throttle.address_limit
    wait = throttle.wait_after(counts.pair_failures, address_busy=busy)
    if wait is not None and counts.pair_last is not None and counts.pair_last + wait > now:
        raise LoginThrottled(counts.pair_last + wait - now)


def _bump(
    session: Session,
    scope: CounterScope,
    email: str,
    ip: str,
    *,
    starts_over: ColumnElement[bool],
    now: datetime,
) -> tuple[int, int]:
    """Count one failure for a key; return (row id, failures). A row for which `starts_over`
    holds (its window or memory has passed) counts from 1 again."""
    at = literal(now, UTCDateTime())
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    statement = (
        dialect.insert(LoginCounter)
        .values(scope=scope, email=email, ip=ip, failures=1, window_start=now, last_failure_at=now)
        .on_conflict_do_update(
            index_elements=[LoginCounter.scope, LoginCounter.email, LoginCounter.ip],
            set_={
                "failures": case((starts_over, 1), else_=LoginCounter.failures + 1),
                "window_start": case((starts_over, at), else_=LoginCounter.window_start),
                "locked_at": case((starts_over, None), else_=LoginCounter.locked_at),
                "last_failure_at": at,
            },
        )
        .returning(LoginCounter.id, LoginCounter.failures)
    )
    row_id, failures = session.execute(statement).one()
    return row_id, failures


def count_failure(
    session: Session,
    email: str,
    ip: str,
    *,
    user: User | None,
    throttle: Throttle,
    now: datetime,
) -> None:
    """Count a failed login; raise LoginThrottled (after counting) when it locks the account
    or makes this pair wait. `user` is the account of `email`, if there is one."""
    _, pair = _bump(
        session, CounterScope.PAIR, email, ip, now=now,
        starts_over=LoginCounter.last_failure_at <= now - throttle.pair_memory,
    )  # fmt: skip
    _, address = _bump(
        session, CounterScope.ADDRESS, "", ip, now=now,
        starts_over=LoginCounter.window_start <= now - throttle.address_window,
    )  # fmt: skip
    account_id, account = _bump(
        session, CounterScope.ACCOUNT, email, "", now=now,
        starts_over=or_(
            and_(LoginCounter.locked_at.is_(None),
                 LoginCounter.window_start <= now - throttle.lock_window),
            LoginCounter.locked_at <= now - throttle.lock_for,
        ),
    )  # fmt: skip
    if account >= throttle.lock_after and _lock(session, account_id, now):
        until = now + throttle.lock_for
        security_log.warning("account locked", extra={"email": email, "failures": account})
        if user is not None:
            account_locked.send(user, session=session, until=until, now=now)
        raise LoginThrottled(throttle.lock_for, account_locked=True, counted=True)
    wait = throttle.wait_after(pair, address_busy=address >= throttle.address_limit)
    if wait is not None:
        raise LoginThrottled(wait, counted=True)


def _lock(session: Session, counter_id: int, now: datetime) -> bool:
    """Lock the account's counter unless it is locked already; True if this call locked it.
    (Its row is held since the bump, so of failures at the same moment only one gets True.)"""
    locked = session.execute(
        update(LoginCounter)
        .where(LoginCounter.id == counter_id, LoginCounter.locked_at.is_(None))
        .values(locked_at=now)
        .execution_options(synchronize_session=False)
    )
    return locked.rowcount == 1


def count_success(
    session: Session, email: str, ip: str, *, throttle: Throttle, now: datetime
) -> None:
    """Clear this pair's failures (only this pair's), and forget counters nobody reads."""
    session.execute(delete(LoginCounter).where(_key(CounterScope.PAIR, email, ip)))
    # SKIP LOCKED: a row a login is bumping right now is left for next time, not waited for
    # (waiting could deadlock with it). SQLite writes one transaction at a time anyway.
    old = (
        select(LoginCounter.id)
        .where(
            LoginCounter.last_failure_at < now - throttle.forget_after(),
            or_(LoginCounter.locked_at.is_(None),
                LoginCounter.locked_at <= now - throttle.lock_for),
        )
        .limit(PRUNE_BATCH)
        .with_for_update(skip_locked=True)
    )  # fmt: skip
    session.execute(delete(LoginCounter).where(LoginCounter.id.in_(old)))


def locked_accounts(session: Session, *, throttle: Throttle, now: datetime) -> dict[str, datetime]:
    """The e-mail addresses locked now, each with when it opens by itself."""
    rows = session.execute(
        select(LoginCounter.email, LoginCounter.locked_at).where(
            LoginCounter.scope == CounterScope.ACCOUNT,
            LoginCounter.locked_at > now - throttle.lock_for,
        )
    ).all()
    return {email: locked_at + throttle.lock_for for email, locked_at in rows}


def unlock(session: Session, email: str) -> bool:
    """Open a locked account at once and start its count from zero; True if it was locked.
    The waits of single addresses stay: an attacker's addresses keep theirs."""
    result = session.execute(
        delete(LoginCounter)
        .where(_key(CounterScope.ACCOUNT, email, ""), LoginCounter.locked_at.is_not(None))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
