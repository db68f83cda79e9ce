"""The inventory benchmark's cases (a request per run, its expected status and target) and the
timing of them through the Flask test client."""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from bench.inventory_sample import Sample
from bench.inventory_seed import PASSWORD
from bench.inventory_vocabulary import COMMON_WORD, NO_MATCH, RARE_PHRASE

WARMUP = 5
PAGE_MS, SEARCH_MS = 10.0, 15.0  # p95 targets: a page reached by a tag, a list or search
CHECKED = 20  # responses of each case checked for content, outside the timing


@dataclass
class Case:
    name: str
    client: FlaskClient
    url: Callable[[int], str]  # run number -> URL
    status: int
    target_ms: float | None
    check: Callable[[object, str], None] | None = None  # (response, url) -> None or raise
    matches: str = ""


@dataclass
class Result:
    case: Case
    times_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(case: Case, runs: int) -> Result:
    """Time `runs` requests after the warm-ups, checking a sample of responses."""
    for run in range(WARMUP):
        response, url, _ = _timed_get(case, -1 - run)
        if case.check:
            case.check(response, url)
    gc.collect()
    times = []
    checked = 0
    for run in range(runs):
        response, url, elapsed = _timed_get(case, run)
        times.append(elapsed)
        if case.check and checked < CHECKED:
            case.check(response, url)
            checked += 1
    return Result(case, times)


def _timed_get(case: Case, run: int):
    """GET the run's URL and read the body; (response, url, milliseconds)."""
    url = case.url(run)
    started = time.perf_counter()
    response = case.client.get(url)
    response.get_data()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != case.status:
        raise AssertionError(
            f"{case.name}: GET {url} gave {response.status_code}, expected {case.status}"
        )
    return response, url, elapsed


def log_in(app: Flask, email: str) -> FlaskClient:
    """A test client logged in as one of the seeded users."""
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, f"login as {email} failed ({response.status_code})"
    return client


def expect_results(response, url: str) -> None:
    text = response.get_data(as_text=True)
    if "No items found" in text or 'class="item-list"' not in text:
        raise AssertionError(f"GET {url}: expected a list of items")


def expect_no_results(response, url: str) -> None:
    if "No items found" not in response.get_data(as_text=True):
        raise AssertionError(f"GET {url}: expected no items")


def fixed(url: str) -> Callable[[int], str]:
    """The same URL on every run."""
    return lambda run: url


def all_cases(sample: Sample, staff: FlaskClient, requester: FlaskClient) -> list[Case]:
    """Every case, in the order of the table: the floor, pages, lists, searches, deep pages."""
    return [
        *page_cases(sample, staff),
        *common_word_cases(sample, staff),
        *rare_cases(sample, staff),
        *deep_cases(sample, staff, requester),
    ]


def page_cases(sample: Sample, staff: FlaskClient) -> list[Case]:
    """The baseline, a static file, the item page and the scan redirect."""
    return [
        Case("baseline: ping (login + SELECT 1)", staff, fixed("/_bench/ping"), 200, None),
        Case("static file /static/reshelf.css", staff, fixed("/static/reshelf.css"), 200, None),
        Case(
            "item page /items/<id>, random tag",
            staff,
            sample.item_page,
            200,
            PAGE_MS,
            sample.check_item,
            "1",
        ),
        Case(
            "scan redirect /s/<tag>, random tag",
            staff,
            sample.scan,
            302,
            PAGE_MS,
            sample.check_scan,
            "1",
        ),
    ]


def listing(staff: FlaskClient, name: str, url: Callable[[int], str], check, matches: str) -> Case:
    """A list or search page as staff, held to the search target."""
    return Case(name, staff, url, 200, SEARCH_MS, check, matches)


def with_filters(q: str, filters: Callable[[int], str]) -> Callable[[int], str]:
    """A search whose filter values rotate with the run."""
    return lambda run: f"/items?q={q}&{filters(run)}"


def common_word_cases(sample: Sample, staff: FlaskClient) -> list[Case]:
    """The list, and a word in a fifth of the names, alone and with filters."""
    return [
        listing(
            staff, "list, no search, page 1", fixed("/items"), expect_results, sample.rows["all"]
        ),
        listing(
            staff,
            f"search '{COMMON_WORD}'",
            fixed(f"/items?q={COMMON_WORD}"),
            expect_results,
            f"{sample.common:,}",
        ),
        listing(
            staff,
            f"search '{COMMON_WORD}' + dept + status",
            with_filters(COMMON_WORD, sample.ds),
            expect_results,
            sample.rows["common ds"],
        ),
        listing(
            staff,
            f"search '{COMMON_WORD}' + category + site",
            with_filters(COMMON_WORD, sample.cs),
            expect_results,
            sample.rows["common cs"],
        ),
    ]


def rare_cases(sample: Sample, staff: FlaskClient) -> list[Case]:
    """A rare three-word phrase and a word matching nothing, alone and with filters."""
    rare_q = RARE_PHRASE.replace(" ", "+")
    rare_check = expect_results if sample.rare else expect_no_results
    rare_url, none_url = fixed(f"/items?q={rare_q}"), fixed(f"/items?q={NO_MATCH}")
    rare_ds = with_filters(rare_q, sample.ds)
    return [
        listing(staff, f"search '{RARE_PHRASE}'", rare_url, rare_check, f"{sample.rare:,}"),
        listing(staff, "search rare phrase + dept + status", rare_ds, None, sample.rows["rare ds"]),
        listing(staff, f"search '{NO_MATCH}' (matches nothing)", none_url, expect_no_results, "0"),
        listing(
            staff,
            "search no match + category + site",
            with_filters(NO_MATCH, sample.cs),
            expect_no_results,
            "0",
        ),
    ]


def deep_cases(sample: Sample, staff: FlaskClient, requester: FlaskClient) -> list[Case]:
    """Deep pages reached by "next", and a search as a requester (the department scope)."""
    return [
        Case(
            "deep page: dept + status, 80% in",
            staff,
            sample.deep,
            200,
            SEARCH_MS,
            expect_results,
            sample.rows["deep ds"],
        ),
        Case(
            f"deep page: '{COMMON_WORD}', last pages",
            staff,
            sample.deep_common,
            200,
            SEARCH_MS,
            expect_results,
            f"{sample.common:,}",
        ),
        Case(
            f"requester: '{COMMON_WORD}' + status",
            requester,
            fixed(f"/items?q={COMMON_WORD}&status=in_use"),
            200,
            SEARCH_MS,
            expect_results,
            sample.rows["requester"],
        ),
    ]
