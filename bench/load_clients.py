"""The load generator, run by bench_load.py as a process of its own: one thread per client,
each logged in as its own user, doing what warehouse staff do at the pace a person would.

    python bench/load_clients.py PLAN.json RESULTS.json

It prints `start <epoch seconds>` when the clients are logged in and about to begin, then
writes every request's kind, start, duration, status and (when the answer was not the one
expected) what was wrong, plus the edits and transfer requests that the app said it saved.
"""

from __future__ import annotations

import http.client
import json
import random
import secrets
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

from load_browser import Answer, Browser, form_fields
from load_plan import MARK, MIX, ClientPlan, Plan

MAX_ACTIONS = 100_000  # per client: with the deadline, what bounds a run
LOGINS_AT_ONCE = 8
WARM_UP_ROUNDS = 8  # twice the workers: each gunicorn worker likely renders every page once


@dataclass
class Outcome:
    """What one client did: its requests, and what the app confirmed it saved."""

    records: list[list] = field(default_factory=list)  # kind, started, seconds, status, problem
    edits_saved: list[list] = field(default_factory=list)  # item id, notes written
    requests_sent: list[list] = field(default_factory=list)  # listing id, message
    skipped: int = 0  # transfer requests not made: the client had no listing left to ask for


class Client:
    def __init__(self, number: int, plan: Plan, mine: ClientPlan) -> None:
        self.number, self.plan, self.mine = number, plan, mine
        self.browser = Browser(plan.port)
        self.rng = random.Random(plan.seed * 1000 + number)
        self.outcome = Outcome()
        self.scan_token = ""
        self.actions = 0

    def log_in(self) -> str:
        """Log in through the login form; returns what went wrong, or ""."""
        try:
            fields = form_fields(self.browser.get("/login").text, "/login") or {}
            fields.update(email=self.mine.email, password=self.plan.password)
            answer = self.browser.post("/login", fields)
            if answer.status != 302:
                return f"login as {self.mine.email} answered {answer.status}"
            scan_form = form_fields(self.browser.get("/scan").text, "/scan") or {}
            self.scan_token = scan_form.get("csrf_token", "")
        except (OSError, http.client.HTTPException) as error:
            return f"login as {self.mine.email} failed: {error}"
        return "" if self.scan_token else "the scan page has no form"

    def warm_up(self) -> str:
        """Open each kind of page a few times before the clock runs, unmeasured, so that the
        workers' first renderings (templates compiled, caches filled) are not timed."""
        paths = [f"/items/{self.plan.items}", f"/items?q={quote_plus(self.plan.words[0])}"]
        paths += [f"/items/{item_id}/edit" for item_id in self.mine.edit_items[:1]]
        paths += [f"/reuse/listings/{listing_id}" for listing_id in self.mine.listings[:1]]
        for path in paths * WARM_UP_ROUNDS:
            try:
                status = self.browser.get(path).status
            except (OSError, http.client.HTTPException) as error:
                return f"warming up: {path} failed: {error!r}"
            if status != 200:
                return f"warming up: {path} answered {status}"
        return ""

    def run(self, start: float, end: float) -> None:
        """Act until the end of the run, pausing between actions as a person would."""
        kinds, weights = list(MIX), list(MIX.values())
        self.pause_until(start + self.rng.uniform(0, self.plan.think), end)
        while time.time() < end and self.actions < MAX_ACTIONS:
            getattr(self, self.rng.choices(kinds, weights)[0])()
            self.actions += 1
            self.pause_until(time.time() + self.plan.think * self.rng.uniform(0.5, 1.5), end)
        self.browser.close()

    @staticmethod
    def pause_until(moment: float, end: float) -> None:
        time.sleep(max(0.0, min(moment, end) - time.time()))

    def call(self, kind: str, path: str, fields: dict | None, check) -> Answer | None:
        """One request, recorded; returns the answer when it was the one expected."""
        started, clock = time.time(), time.perf_counter()
        try:
            answer = self.browser.get(path) if fields is None else self.browser.post(path, fields)
        except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out
            self.record(kind, started, time.perf_counter() - clock, 0, f"{path}: {error!r}")
            return None
        problem = "" if check(answer) else f"{path} answered {answer.status} {answer.location}"
        self.record(kind, answer.started, answer.seconds, answer.status, problem)
        return None if problem else answer

    def record(self, kind: str, started: float, seconds: float, status: int, problem: str):
        self.outcome.records.append([kind, started, seconds, status, problem])

    def marker(self) -> str:
        return f"{MARK} c{self.number} n{self.actions}"

    # --- the actions ------------------------------------------------------------------------

    def scan(self) -> None:
        """Scan a label on the scan page: the look-up is recorded, then /s/<tag> opens."""
        fields = {
            "csrf_token": self.scan_token,
            "client_id": secrets.token_urlsafe(16),  # the page's fresh id for each scan
            "scanned_at": "",
            "code": self.plan.tag(self.rng.randint(1, self.plan.items)),
        }
        self.call("scan", "/scan", fields, lambda a: redirected(a, f"/s/{fields['code']}"))

    def search(self) -> None:
        query = quote_plus(self.rng.choice(self.plan.words))
        self.call("search", f"/items?q={query}", None, found_or_not)

    def item(self) -> None:
        item_id = self.rng.randint(1, self.plan.items)
        tag = self.plan.tag(item_id)
        self.call("item", f"/items/{item_id}", None, lambda a: a.status == 200 and tag in a.text)

    def edit(self) -> None:
        """Open an item's edit form, change its notes and save."""
        item_id = self.mine.edit_items[self.actions % len(self.mine.edit_items)]
        path = f"/items/{item_id}/edit"
        page = self.call("edit form", path, None, lambda a: a.status == 200)
        fields = form_fields(page.text) if page else None
        if fields is None:
            return
        fields["notes"] = notes = self.marker()
        back = f"/items/{item_id}"
        if self.call("edit", path, fields, lambda a: redirected(a, back)):
            self.outcome.edits_saved.append([item_id, notes])

    def transfer(self) -> None:
        """Open a listing of another department and ask for one of it."""
        if not self.mine.listings:
            self.outcome.skipped += 1
            return self.item()
        listing_id = self.mine.listings.pop()
        action = f"/reuse/listings/{listing_id}/request"
        page = self.call(
            "listing", f"/reuse/listings/{listing_id}", None, lambda a: a.status == 200
        )
        fields = form_fields(page.text, action) if page else None
        if fields is None:
            return
        fields.update(quantity="1", deliver_place="Load bench room", message=self.marker())
        if self.call("transfer", action, fields, lambda a: redirected(a, "/reuse/requests")):
            self.outcome.requests_sent.append([listing_id, fields["message"]])


def found_or_not(answer: Answer) -> bool:
    """A search page: a list of items, or the message that none matched."""
    listed = 'class="item-list"' in answer.text or "No items found" in answer.text
    return answer.status == 200 and listed


def redirected(answer: Answer, path: str) -> bool:
    """A save that worked: the app sends the browser on to `path`."""
    return answer.status == 302 and answer.location.endswith(path)


def log_in_all(clients: list[Client]) -> list[str]:
    with ThreadPoolExecutor(LOGINS_AT_ONCE) as pool:
        return [problem for problem in pool.map(Client.log_in, clients) if problem]


def main(plan_path: str, results_path: str) -> int:
    plan = Plan.read(Path(plan_path))
    clients = [Client(n, plan, mine) for n, mine in enumerate(plan.clients)]
    failed = log_in_all(clients)
    failed = failed or [problem for problem in [clients[0].warm_up()] if problem]
    start = time.time() + 0.5
    end = start + plan.seconds
    if not failed:
        print(f"start {start}", flush=True)
        threads = [threading.Thread(target=c.run, args=(start, end)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    outcomes = [client.outcome.__dict__ for client in clients]
    results = {"start": start, "end": end, "login_failures": failed, "clients": outcomes}
    Path(results_path).write_text(json.dumps(results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
