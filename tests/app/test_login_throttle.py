"""Login throttling (app/auth/throttle.py) and reliability case T-D1.

A guesser is slowed per account and address with a growing wait, an address that fails at
many accounts loses its free attempts, and only failures from many addresses lock an
account, which the admins hear about and can undo. Whatever an attacker does from elsewhere,
the right password from the real user's own address still gets in (below that lock). The
clock is passed in (`at=`); nothing sleeps.
"""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from app.auth import services
from app.auth.models import CounterScope, LoginCounter, PasswordToken, User
from app.auth.roles import Role
from app.auth.throttle import LoginThrottled, Throttle, network_key
from app.extensions import db
from reuse.notices.models import Notification
from tests.conftest import PASSWORD

RULES = Throttle()  # the defaults: 5 free, then 1 minute doubling up to an hour; 30 per address
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
QUICK_HASH = "pbkdf2:sha256:1"  # these tests count attempts; scrypt would cost 0.2 s a check
LET_IN, TOLD_WRONG = ("in", None), ("wrong", None)
WRONG = "Wrong email or password."
FROM_HERE = "Too many attempts from here"
LOCKED = "This account is locked after too many failed logins"


@pytest.fixture
def person(db_session, make_user, monkeypatch):
    """make_user with a password hash that checks in no time, and the same for the hash that
    unknown addresses are checked against."""
    quick_dummy = generate_password_hash("not a real password", method=QUICK_HASH)
    monkeypatch.setattr(services, "_DUMMY_HASH", quick_dummy)

    def make(role: Role = Role.STAFF, **kw) -> User:
        user = make_user(role, password=None, **kw)
        user.password_hash = generate_password_hash(PASSWORD, method=QUICK_HASH)
        db_session.commit()
        return user

    return make


def attempt(
    session: Session,
    email: str,
    password: str = "wrong password",
    *,
    ip: str,
    at: datetime,
    rules: Throttle = RULES,
) -> tuple[str, timedelta | None]:
    """One login as the view makes it (it commits whatever happens): ("in", None),
    ("wrong", None), ("wait", how long) or ("locked", how long)."""
    try:
        user = services.authenticate(session, email, password, ip=ip, throttle=rules, now=at)
    except LoginThrottled as refused:
        session.commit()
        return ("locked" if refused.account_locked else "wait"), refused.retry_after
    session.commit()
    return ("in" if user else "wrong"), None


def failures(session: Session, scope: CounterScope, *, email: str = "", ip: str = "") -> int:
    session.expire_all()
    counted = session.scalar(
        select(LoginCounter.failures).where(
            LoginCounter.scope == scope, LoginCounter.email == email, LoginCounter.ip == ip
        )
    )
    return counted or 0


@pytest.fixture
def clock(monkeypatch):
    """The login and admin pages read T0 as the time: what a test sees does not depend on
    how fast it runs."""
    monkeypatch.setattr("app.auth.views.utcnow", lambda: T0)
    monkeypatch.setattr("app.auth.admin_views.utcnow", lambda: T0)


def post_login(client, email: str, password: str, ip: str):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


# --- one account from one address ----------------------------------------------------------------


def test_a_pair_gets_free_failures_then_a_wait_that_doubles_up_to_a_cap(db_session, person):
    user = person()
    outcomes = [attempt(db_session, user.email, ip="10.0.0.1", at=T0) for _ in range(5)]
    assert outcomes == [TOLD_WRONG] * 4 + [("wait", MINUTE)]
    at, waits = T0, []
    for _ in range(8):  # come back each time the wait is over, and fail again
        at += waits[-1] if waits else MINUTE
        kind, wait = attempt(db_session, user.email, ip="10.0.0.1", at=at)
        assert kind == "wait"
        waits.append(wait)
    assert waits == [MINUTE * n for n in (2, 4, 8, 16, 32)] + [timedelta(hours=1)] * 3


def test_a_waiting_pair_is_refused_the_right_password_too_and_nothing_is_counted(
    db_session, person
):
    user = person()
    for _ in range(5):
        attempt(db_session, user.email, ip="10.0.0.1", at=T0)
    for seconds in (1, 20, 59):
        outcome = attempt(
            db_session, user.email, PASSWORD, ip="10.0.0.1", at=T0 + timedelta(seconds=seconds)
        )
        assert outcome == ("wait", timedelta(seconds=60 - seconds))
    assert failures(db_session, CounterScope.PAIR, email=user.email, ip="10.0.0.1") == 5
    assert attempt(db_session, user.email, PASSWORD, ip="10.0.0.1", at=T0 + MINUTE) == LET_IN


def test_a_success_clears_its_own_pair_only(db_session, person):
    user = person()
    for ip in ("10.0.0.1", "10.0.0.2"):
        for _ in range(3):
            attempt(db_session, user.email, ip=ip, at=T0)
    assert attempt(db_session, user.email, PASSWORD, ip="10.0.0.1", at=T0) == LET_IN
    assert failures(db_session, CounterScope.PAIR, email=user.email, ip="10.0.0.1") == 0
    assert failures(db_session, CounterScope.PAIR, email=user.email, ip="10.0.0.2") == 3


def test_a_pair_is_forgotten_a_day_after_its_last_failure(db_session, person):
    user = person()
    for _ in range(5):
        attempt(db_session, user.email, ip="10.0.0.1", at=T0)
    later = T0 + RULES.pair_memory
    assert attempt(db_session, user.email, ip="10.0.0.1", at=later) == TOLD_WRONG


def test_the_right_password_from_a_fresh_address_works_after_failures_elsewhere(db_session, person):
    user = person()
    for n in range(20):
        attempt(db_session, user.email, ip="203.0.113.9", at=T0 + n * timedelta(seconds=1))
    assert attempt(db_session, user.email, PASSWORD, ip="192.0.2.1", at=T0 + MINUTE) == LET_IN
    # the guesser's address still waits
    kind, _ = attempt(db_session, user.email, PASSWORD, ip="203.0.113.9", at=T0 + MINUTE)
    assert kind == "wait"


@pytest.mark.parametrize(
    ("ip", "key"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("not an address", "not an address"),
    ],
)
def test_an_ipv6_network_counts_as_one_address(ip, key):
    assert network_key(ip) == key


def test_hopping_between_addresses_of_one_ipv6_network_gets_no_fresh_failures(db_session, person):
    user = person()
    outcomes = [attempt(db_session, user.email, ip=f"2001:db8::{n}", at=T0) for n in range(1, 7)]
    assert [kind for kind, _ in outcomes] == ["wrong"] * 4 + ["wait"] * 2


# --- one address across accounts ----------------------------------------------------------------


def test_a_busy_address_still_lets_a_right_password_in(db_session, person):
    """Everyone behind one NAT shares its address: failures there at many accounts must not
    keep out a colleague who types the password right."""
    colleague = person()
    for n in range(RULES.address_limit + 10):
        attempt(db_session, f"nobody{n}@x.org", ip="198.51.100.7", at=T0)
    assert failures(db_session, CounterScope.ADDRESS, ip="198.51.100.7") == RULES.address_limit + 10
    assert attempt(db_session, colleague.email, PASSWORD, ip="198.51.100.7", at=T0) == LET_IN


def test_a_busy_address_has_no_free_failures(db_session, person):
    user = person()
    for n in range(RULES.address_limit - 1):
        assert attempt(db_session, f"nobody{n}@x.org", ip="198.51.100.7", at=T0) == TOLD_WRONG
    assert attempt(db_session, user.email, ip="198.51.100.7", at=T0) == ("wait", MINUTE)
    assert attempt(db_session, user.email, PASSWORD, ip="198.51.100.7", at=T0)[0] == "wait"
    assert attempt(db_session, user.email, PASSWORD, ip="198.51.100.7", at=T0 + MINUTE) == LET_IN


def test_an_address_has_its_free_failures_again_after_its_window(db_session, person):
    user = person()
    for n in range(RULES.address_limit):
        attempt(db_session, f"nobody{n}@x.org", ip="198.51.100.7", at=T0)
    later = T0 + RULES.address_window
    assert attempt(db_session, user.email, ip="198.51.100.7", at=later) == TOLD_WRONG


def test_unknown_and_known_accounts_get_the_same_answers(db_session, person):
    user = person()
    rules = Throttle(lock_after=8)
    answers = {}
    for email in (user.email, "nobody@x.org"):
        answers[email] = [
            attempt(db_session, email, ip=f"10.0.{n // 5}.1", at=T0, rules=rules) for n in range(10)
        ]
    assert answers[user.email] == answers["nobody@x.org"]
    assert answers[user.email][-1][0] == "locked"


# --- an account from anywhere ----------------------------------------------------------------------


def lock_by_many_addresses(session: Session, email: str, rules: Throttle, at: datetime = T0):
    """Fail at `email` from one address after another (each within its free failures) until
    the account locks; return the outcomes."""
    outcomes = []
    for n in range(rules.lock_after):
        ip = f"172.16.{n // (rules.free_failures - 1)}.1"
        outcomes.append(attempt(session, email, ip=ip, at=at, rules=rules))
    return outcomes


def test_failures_from_many_addresses_lock_the_account_and_the_admins_are_told_once(
    db_session, person
):
    admin, other_admin = person(Role.ADMIN), person(Role.ADMIN)
    retired_admin = person(Role.ADMIN)
    retired_admin.is_active_account = False
    db_session.commit()
    manager, user = person(Role.MANAGER), person()
    rules = Throttle(lock_after=20)
    outcomes = lock_by_many_addresses(db_session, user.email, rules)
    assert outcomes[:-1] == [TOLD_WRONG] * 19
    assert outcomes[-1] == ("locked", rules.lock_for)
    # locked: the right password from a fresh address too, without being counted
    fresh = attempt(db_session, user.email, PASSWORD, ip="192.0.2.1", at=T0 + MINUTE, rules=rules)
    assert fresh == ("locked", rules.lock_for - MINUTE)
    assert failures(db_session, CounterScope.ACCOUNT, email=user.email) == 20
    told = db_session.execute(
        select(Notification.user_id, Notification.kind, Notification.params)
    ).all()
    assert sorted(told) == sorted(
        (
            who.id,
            "account_locked",
            {"email": user.email, "until": (T0 + rules.lock_for).isoformat()},
        )
        for who in (admin, other_admin)
    )
    assert {retired_admin.id, manager.id, user.id}.isdisjoint(row.user_id for row in told)


def test_a_lock_opens_by_itself_after_its_time(db_session, person):
    user = person()
    rules = Throttle(lock_after=12, lock_for=timedelta(hours=2))
    lock_by_many_addresses(db_session, user.email, rules)
    later = T0 + timedelta(hours=2)
    assert (
        attempt(db_session, user.email, PASSWORD, ip="192.0.2.1", at=later, rules=rules) == LET_IN
    )
    assert attempt(db_session, user.email, ip="192.0.2.2", at=later, rules=rules) == TOLD_WRONG
    assert failures(db_session, CounterScope.ACCOUNT, email=user.email) == 1


def test_failures_spread_wider_than_the_lock_window_do_not_lock(db_session, person):
    rules = Throttle(lock_after=12)
    spread, burst = person(), person()
    for user in (spread, burst):
        for n in range(11):
            attempt(db_session, user.email, ip=f"172.16.{n // 4}.1", at=T0, rules=rules)
    just_inside = T0 + rules.lock_window - timedelta(seconds=1)
    assert (
        attempt(db_session, burst.email, ip="192.0.2.9", at=just_inside, rules=rules)[0] == "locked"
    )
    outside = T0 + rules.lock_window
    assert attempt(db_session, spread.email, ip="192.0.2.9", at=outside, rules=rules) == TOLD_WRONG


def test_an_admin_unlock_opens_the_account_and_the_guessers_keep_waiting(db_session, person):
    admin, user = person(Role.ADMIN), person()
    rules = Throttle(lock_after=12)
    for ip in ["172.16.0.1"] * 5 + ["172.16.1.1"] * 4 + ["172.16.2.1"] * 3:
        outcome = attempt(db_session, user.email, ip=ip, at=T0, rules=rules)
    assert outcome[0] == "locked"
    assert services.unlock_account(db_session, user, by=admin) is True
    db_session.commit()
    assert services.unlock_account(db_session, user, by=admin) is False  # already open
    at = T0 + timedelta(seconds=30)
    assert attempt(db_session, user.email, PASSWORD, ip="192.0.2.1", at=at, rules=rules) == LET_IN
    assert attempt(db_session, user.email, ip="172.16.0.1", at=at, rules=rules)[0] == "wait"
    assert failures(db_session, CounterScope.ACCOUNT, email=user.email) == 0


def test_the_command_unlocks_an_account_when_no_admin_can(runner, db_session, person):
    admin = person(Role.ADMIN)
    rules = Throttle(lock_after=12)
    lock_by_many_addresses(db_session, admin.email, rules)
    kind, _ = attempt(db_session, admin.email, PASSWORD, ip="192.0.2.1", at=T0, rules=rules)
    assert kind == "locked"
    result = runner.invoke(args=["unlock-user", admin.email.upper()])
    assert result.exit_code == 0 and f"Unlocked {admin.email}." in result.output
    assert attempt(db_session, admin.email, PASSWORD, ip="192.0.2.1", at=T0, rules=rules) == LET_IN
    assert "was not locked" in runner.invoke(args=["unlock-user", admin.email]).output
    assert runner.invoke(args=["unlock-user", "nobody@x.org"]).exit_code != 0


def test_an_unknown_address_locks_alike_and_nobody_is_told(db_session, person):
    person(Role.ADMIN)
    rules = Throttle(lock_after=12)
    outcomes = lock_by_many_addresses(db_session, "nobody@x.org", rules)
    assert outcomes[-1] == ("locked", rules.lock_for)
    assert db_session.scalar(select(func.count()).select_from(Notification)) == 0


def test_failures_at_the_same_moment_are_all_counted_and_lock_once(app, db_session, person):
    """Eight app servers fail at one account at once: every failure counts, one locks it,
    and the admin hears once. (Shared state in the database, on SQLite and PostgreSQL.)"""
    admin, user = person(Role.ADMIN), person()
    rules = Throttle(lock_after=8)
    with app.app_context():
        engine = db.engine
    email, start = user.email, threading.Barrier(8)
    results: list[tuple[str, timedelta | None]] = []

    def fail(n: int) -> None:
        with Session(engine) as session:
            start.wait()
            results.append(attempt(session, email, ip=f"172.16.{n}.1", at=T0, rules=rules))

    threads = [threading.Thread(target=fail, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(kind for kind, _ in results) == ["locked"] + ["wrong"] * 7
    assert failures(db_session, CounterScope.ACCOUNT, email=user.email) == 8
    assert db_session.scalars(select(Notification.user_id)).all() == [admin.id]


def test_a_success_forgets_counters_nobody_reads_any_more(db_session, person):
    user = person()
    for n in range(3):
        attempt(db_session, f"old{n}@x.org", ip="10.9.9.9", at=T0)
    attempt(db_session, "recent@x.org", ip="10.9.9.8", at=T0 + timedelta(hours=23))
    attempt(db_session, user.email, PASSWORD, ip="10.0.0.1", at=T0 + RULES.forget_after() + MINUTE)
    left = db_session.scalars(
        select(LoginCounter.email).where(LoginCounter.scope == CounterScope.ACCOUNT)
    ).all()
    assert left == ["recent@x.org"]


# --- through the login page (T-D1) -------------------------------------------------------------


def test_twenty_wrong_passwords_for_one_account_from_one_address(client, db_session, person, clock):
    user = person()
    responses = [post_login(client, user.email, "wrong password", "203.0.113.9") for _ in range(20)]
    assert [r.status_code for r in responses] == [200] * 4 + [429] * 16
    assert all(WRONG in r.text for r in responses[:4])
    assert "Too many attempts from here; try again in 1 minute." in responses[4].text
    assert failures(db_session, CounterScope.PAIR, email=user.email, ip="203.0.113.9") == 5
    assert post_login(client, user.email, PASSWORD, "203.0.113.9").status_code == 429
    assert client.get("/items").status_code == 302  # the right password did not get in there
    # ... but the real user, from their own address, is not kept out
    assert post_login(client, user.email, PASSWORD, "192.0.2.1").status_code == 302
    assert client.get("/items").status_code == 200


def test_one_wrong_password_at_each_of_200_accounts_from_one_address(
    app, client, db_session, person, clock
):
    real = [person() for _ in range(3)]
    sprayed = [u.email for u in real] + [f"guess{n}@sundby.example" for n in range(197)]
    responses = [post_login(client, email, "Summer2026!", "203.0.113.9") for email in sprayed]
    limit = app.config["LOGIN_ADDRESS_LIMIT"]
    assert [r.status_code for r in responses] == [200] * (limit - 1) + [429] * (201 - limit)
    assert all(WRONG in r.text for r in responses[: limit - 1])
    assert all(FROM_HERE in r.text for r in responses[limit - 1 :])
    # each account it tried now waits from that address, the right password too, uncounted
    assert post_login(client, real[0].email, PASSWORD, "203.0.113.9").status_code == 429
    assert failures(db_session, CounterScope.PAIR, email=real[0].email, ip="203.0.113.9") == 1
    # a colleague behind the same address, with no failures there, gets in
    colleague = person()
    assert (
        post_login(app.test_client(), colleague.email, PASSWORD, "203.0.113.9").status_code == 302
    )
    # and nothing of it reaches another address or locks an account
    assert post_login(app.test_client(), real[1].email, PASSWORD, "192.0.2.1").status_code == 302


def test_an_unknown_account_and_a_wrong_password_look_the_same_when_throttled(
    client, person, clock
):
    user = person()
    pages = {}
    for email in (user.email, "nobody@sundby.example"):
        responses = [post_login(client, email, "wrong password", "203.0.113.9") for _ in range(6)]
        pages[email] = [(r.status_code, r.text.replace(email, "EMAIL")) for r in responses]
    assert pages[user.email] == pages["nobody@sundby.example"]


def test_the_admins_see_a_lock_and_unlock_it(
    app, client, db_session, person, login, monkeypatch, clock
):
    monkeypatch.setitem(app.config, "LOGIN_LOCK_AFTER", 6)
    admin, user = person(Role.ADMIN, language="en"), person(email="locked@sundby.example")
    for ip in ("172.16.0.1",) * 4 + ("172.16.1.1", "172.16.2.1"):
        response = post_login(client, user.email, "wrong password", ip)
    assert response.status_code == 429 and LOCKED in response.text
    assert post_login(client, user.email, PASSWORD, "192.0.2.1").status_code == 429

    login(client, admin)
    inbox = client.get("/inbox").text
    assert "locked@sundby.example is locked after failed logins from many places." in inbox
    notice = db_session.scalar(select(Notification))
    assert client.post(f"/inbox/{notice.id}").headers["Location"] == "/admin/users"
    page = client.get("/admin/users").text
    assert "locked after failed logins, until" in page and f"/admin/users/{user.id}/unlock" in page
    response = client.post(f"/admin/users/{user.id}/unlock")
    assert response.status_code == 302
    assert "/unlock" not in client.get("/admin/users").text
    assert post_login(app.test_client(), user.email, PASSWORD, "192.0.2.1").status_code == 302


def test_only_admins_can_unlock(app, client, db_session, person, login, monkeypatch, clock):
    monkeypatch.setitem(app.config, "LOGIN_LOCK_AFTER", 6)
    manager, user = person(Role.MANAGER), person()
    for ip in ("172.16.0.1",) * 4 + ("172.16.1.1", "172.16.2.1"):
        post_login(client, user.email, "wrong password", ip)
    login(client, manager)
    assert client.post(f"/admin/users/{user.id}/unlock").status_code == 403
    assert post_login(app.test_client(), user.email, PASSWORD, "192.0.2.1").status_code == 429


# --- password resets (T-D1) ----------------------------------------------------------------------


def test_reset_links_come_only_from_admins(app, client, db_session, person, login):
    """There is no public reset form (the login page says to ask an admin), so no answer can
    tell an outsider whether an address has an account, and nobody outside can have links
    sent over and over."""
    user = person()
    assert "Ask an admin for a reset link." in client.get("/login").text
    assert "/login" in client.post(f"/admin/users/{user.id}/reset-password").headers["Location"]
    login(client, person(Role.MANAGER))
    assert client.post(f"/admin/users/{user.id}/reset-password").status_code == 403
    assert db_session.scalar(select(func.count()).select_from(PasswordToken)) == 0


def test_repeated_reset_links_neither_lock_the_account_nor_count_as_failures(
    client, db_session, person, login
):
    admin, user = person(Role.ADMIN), person()
    login(client, admin)
    for _ in range(10):
        assert client.post(f"/admin/users/{user.id}/reset-password").status_code == 200
    assert db_session.scalar(select(func.count()).select_from(PasswordToken)) == 10
    assert db_session.scalar(select(func.count()).select_from(LoginCounter)) == 0
    assert attempt(db_session, user.email, PASSWORD, ip="192.0.2.1", at=T0) == LET_IN
