"""What the inventory benchmark's requests are built from, looked up before the clock runs:
sample tags and their ids, the filter values the runs rotate through, the ?after= anchors of
deep pages, and how many rows each list pages through."""

from __future__ import annotations

import random
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from app.auth.models import User
from app.extensions import db
from bench.inventory_seed import World
from bench.inventory_vocabulary import COMMON_WORD, NO_MATCH, RARE_PHRASE
from inventory import item_tags, queries
from inventory.models import Item, ItemStatus
from inventory.search import Search


@dataclass
class Sample:
    """The looked-up values; its methods turn a run number into a URL, or check a response."""

    tags: list[str]
    tag_to_id: dict[str, int]
    dept_status: list[tuple[int, ItemStatus]]
    cat_site: list[tuple[int, int]]
    deep_anchors: list[tuple[int, ItemStatus, int]]
    common_anchors: list[int]
    common: int  # items matching COMMON_WORD, not disposed
    rare: int  # items matching RARE_PHRASE, not disposed
    rows: dict[str, str]  # the "rows" column of some cases

    def ds(self, run: int) -> str:
        d, s = self.dept_status[run % len(self.dept_status)]
        return f"department={d}&status={s.value}"

    def cs(self, run: int) -> str:
        c, s = self.cat_site[run % len(self.cat_site)]
        return f"category={c}&site={s}"

    def deep(self, run: int) -> str:
        d, s, anchor = self.deep_anchors[run % len(self.deep_anchors)]
        return f"/items?department={d}&status={s.value}&after={anchor}"

    def deep_common(self, run: int) -> str:
        return f"/items?q={COMMON_WORD}&after={self.common_anchors[run % len(self.common_anchors)]}"

    def item_page(self, run: int) -> str:
        return f"/items/{self.tag_to_id[self.tags[run % len(self.tags)]]}"

    def check_item(self, response, url: str) -> None:
        item_id = int(url.rsplit("/", 1)[1])
        tag = next(t for t, i in self.tag_to_id.items() if i == item_id)
        if tag not in response.get_data(as_text=True):
            raise AssertionError(f"GET {url}: page does not show {tag}")

    def scan(self, run: int) -> str:
        tag = self.tags[run % len(self.tags)]
        return f"/s/{tag.lower() if run % 2 else tag}"  # scanners send either case

    def check_scan(self, response, url: str) -> None:
        tag = url.rsplit("/", 1)[1].upper()
        expected = f"/items/{self.tag_to_id[tag]}"
        if not response.headers["Location"].endswith(expected):
            raise AssertionError(f"GET {url}: redirects to {response.headers['Location']}")


def take_sample(world: World, *, items: int, count: int, seed: int) -> Sample:
    """Look everything up in the app context (not timed) and print the search check."""
    staff = db.session.scalar(select(User).where(User.email == world.staff_email))
    requester = db.session.scalar(select(User).where(User.email == world.requester_email))
    tags, tag_to_id = sample_tags(items=items, count=count, seed=seed)
    common, rare = check_searches(staff, items)
    # Filter combinations to rotate through, so runs do not repeat one cached query.
    dept_status = [
        (d, s) for d in world.department_ids[:4] for s in (ItemStatus.IN_USE, ItemStatus.IN_STORAGE)
    ]
    parents = [world.category_ids[n] for n in ("Möbler", "Stolar")]
    cat_site = [(c, s) for c in parents for s in world.site_ids]
    deep_anchors, deep_rows = deep_page_anchors(staff, dept_status)
    common_anchors = anchors_at(staff, 1.0, 10, q=COMMON_WORD)
    by_ds = [{"department_id": d, "status": s} for d, s in dept_status]
    by_cs = [{"category_id": c, "site_id": s} for c, s in cat_site]
    rows = {
        "all": f"{count_matches(staff):,}",
        "common ds": _spread(staff, COMMON_WORD, by_ds),
        "common cs": _spread(staff, COMMON_WORD, by_cs),
        "rare ds": _spread(staff, RARE_PHRASE, by_ds),
        "deep ds": f"{min(deep_rows):,}-{max(deep_rows):,}",
        "requester": f"{count_matches(requester, q=COMMON_WORD, status=ItemStatus.IN_USE):,}",
    }
    return Sample(
        tags, tag_to_id, dept_status, cat_site, deep_anchors, common_anchors, common, rare, rows
    )


def sample_tags(*, items: int, count: int, seed: int) -> tuple[list[str], dict[str, int]]:
    """`count` random seeded tags, each resolved to its id as the scan view does (any case)."""
    prefix, digits = current_app.config["TAG_PREFIX"], current_app.config["TAG_DIGITS"]
    rng = random.Random(seed)
    tags = [f"{prefix}{n:0{digits}d}" for n in rng.sample(range(1, items + 1), min(items, count))]
    tag_to_id = {}
    for tag in tags:
        item = item_tags.find_item_by_tag(db.session, tag.lower())
        assert item is not None, f"seeded tag {tag} not found"
        tag_to_id[tag] = item.id
    db.session.expunge_all()
    return tags, tag_to_id


def check_searches(staff: User, items: int) -> tuple[int, int]:
    """Check that full-text search finds the seeded items, print what it finds, and return the
    counts of the common word and the rare phrase."""
    common = count_matches(staff, q=COMMON_WORD)
    share = db.session.scalar(  # including disposed items
        select(func.count()).select_from(
            select(Item.id).where(Search.prepare(db.session, COMMON_WORD).matches()).subquery()
        )
    )
    rare = count_matches(staff, q=RARE_PHRASE)
    nothing = count_matches(staff, q=NO_MATCH)
    assert common > 0 and nothing == 0, "full-text search does not find the seeded items"
    print(
        f"Search check: '{COMMON_WORD}' in {share:,} items ({100 * share / items:.0f}%),"
        f" {common:,} not disposed; '{RARE_PHRASE}' {rare}; '{NO_MATCH}' {nothing}"
    )
    return common, rare


def deep_page_anchors(
    staff: User, dept_status: list[tuple[int, ItemStatus]]
) -> tuple[list[tuple[int, ItemStatus, int]], list[int]]:
    """The "next" links 80% of the way through each department + status list, and the rows of
    each list."""
    anchors, rows = [], []
    for d, s in dept_status:
        rows.append(count_matches(staff, department_id=d, status=s))
        for anchor in anchors_at(staff, 0.8, 3, department_id=d, status=s):
            anchors.append((d, s, anchor))
    return anchors, rows


def _spread(user: User, q: str, filter_values: list[dict]) -> str:
    """The min-max of the rows a search pages through over the filter values."""
    counts = [count_matches(user, q=q, **filters) for filters in filter_values]
    return f"{min(counts):,}-{max(counts):,}"


def count_matches(user, **filters) -> int:
    """How many items the list would page through for these filters (not timed)."""
    query = queries.search_items(db.session, user, queries.ItemFilter(**filters))
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def anchors_at(user, share: float, spread: int, **filters) -> list[int]:
    """Ids of rows `spread` pages around `share` of the way through a list (not timed):
    the ?after= a user reaches by following "next" that far."""
    query = queries.search_items(db.session, user, queries.ItemFilter(**filters))
    total = count_matches(user, **filters)
    per_page = current_app.config["ITEMS_PER_PAGE"]
    start = max(0, min(int(total * share), total - (spread + 1) * per_page))
    ids = db.session.scalars(
        query.with_only_columns(Item.id).offset(start).limit(spread * per_page)
    ).all()
    return ids[per_page - 1 :: per_page] or ids[-1:]
