"""Fuzz every route with Hypothesis, as every role: no input answers a server error.

The targets are generated from the app, not listed by hand: every GET rule of the URL map
with every query argument the code reads (found in its source), and every form the pages
render, posted back with one or a few of its fields replaced by hostile values (huge and
negative numbers, NUL and control characters, long text, markup, dates that do not exist).
Paths take fuzzed ids and codes too. The budget is fixed (FUZZ_EXAMPLES per role, default
150) and the run derandomized, so CI is repeatable; raise the budget to look harder locally.
"""

import io
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.app.conftest import ROLES, client_for, rules, url_for_rule

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "inventory", "labels", "imports", "reuse")
SKIPPED = {"auth.logout", "static"}  # logging out would end the role's session mid-run

EDGE = [
    "", " ", "0", "-1", "1", "2147483647", "2147483648", "-2147483649",
    "9223372036854775808", "1" * 40, "1e308", "NaN", "inf", "1,5", "1 250,00 kr", "12 st",
    "\x00", "a\x00b", "\x01\x08\x1b\x7f", "\r\n", "\u202e", "\ufeff", "🙂" * 60, "x" * 300,
    "y" * 5000, "<script>alert(1)</script>", "' OR 1=1 --", "%", "_", "..", "../../etc/passwd",
    "None", "null", "true", "on", "2026-02-30", "9999-12-31", "0001-01-01", "=1+1",
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(EDGE),
    st.integers(min_value=-(2**66), max_value=2**66).map(str),
    st.text(max_size=40),
    st.text(max_size=20).map(lambda text: text[:3] + "\x00" + text[3:]),  # PostgreSQL refuses
)
BUDGET = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # the world changes as we go: replays would lie
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def query_names() -> list[str]:
    """Every query argument the code reads, by name, and url_for's own keywords."""
    pattern = re.compile(r"""args\.get(?:list)?\(\s*["']([A-Za-z_]+)["']|args\[["']([A-Za-z_]+)""")
    names = {"endpoint", "_method", "_external", "_anchor", "page", "after", "before"}
    for package in PACKAGES:
        for source in (ROOT / package).rglob("*.py"):
            for match in pattern.finditer(source.read_text()):
                names.add(match.group(1) or match.group(2))
    return sorted(names)


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)


class FormParser(HTMLParser):
    """The POST forms of a page, each with its fields filled as the page fills them."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.current = Form(a.get("action") or self.page_url)
            self.forms.append(self.current)
        if self.current is None or "name" not in a:
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind == "file":
                self.current.files.add(name)
            elif kind not in ("checkbox", "radio") or "checked" in a:
                self.current.fields.setdefault(name, a.get("value", ""))
        elif tag == "textarea":
            self.current.fields.setdefault(name, "")
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select:
            self.current.fields.setdefault(self.select, a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def crawl_forms(client, urls: list[str]) -> list[Form]:
    """The POST forms found on the pages a role can open, one per action."""
    forms: dict[str, Form] = {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        parser = FormParser(url)
        parser.feed(response.text)
        for form in parser.forms:
            forms.setdefault(urlsplit(form.action).path, form)
    return list(forms.values())


def form_field_names() -> list[str]:
    """Every field any form of the app declares, for posts to routes no page showed a form of."""
    from flask_wtf import FlaskForm
    from wtforms.fields.core import UnboundField

    names, classes = set(), [FlaskForm]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        names.update(k for k, v in vars(cls).items() if isinstance(v, UnboundField))
    return sorted(names)


def fuzzed_path(rule, world_args: dict, replace: dict[str, str]) -> str:
    """The rule's path with the world's values, some of them replaced by fuzzed text."""
    path = rule.rule
    for name in rule.arguments:
        value = replace.get(name, str(world_args[name]))
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", quote(value, safe=""), path)
    return path


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_fuzzed_requests_never_answer_a_server_error(app, world, role):
    client = client_for(app, role, world)
    get_rules = [r for r in rules(app, "GET") if r.endpoint not in SKIPPED]
    pages = [url_for_rule(app, r, world["args"]) for r in get_rules if "<" not in r.rule] + [
        url_for_rule(app, r, world["args"]) for r in get_rules if "<" in r.rule
    ]
    forms = [f for f in crawl_forms(client, pages) if "/logout" not in f.action]
    shown = {urlsplit(f.action).path for f in forms}
    for rule in rules(app, "POST"):  # routes whose form no page showed this role: bare posts
        url = url_for_rule(app, rule, world["args"])
        if rule.endpoint not in SKIPPED and url not in shown:
            forms.append(Form(url))
    names = query_names()
    field_names = form_field_names()

    get_request = st.tuples(
        st.just("GET"),
        st.sampled_from(get_rules),
        st.dictionaries(st.sampled_from(names), VALUES, max_size=4),
        st.dictionaries(st.sampled_from(sorted(world["args"])), VALUES, max_size=1),
    )
    post_request = st.tuples(
        st.just("POST"),
        st.sampled_from(forms),
        st.dictionaries(st.sampled_from(field_names), VALUES, max_size=4),
        st.booleans(),
    )

    @BUDGET
    @given(request=st.one_of(get_request, post_request), data=st.data())
    def fuzz(request, data):
        method, target, changes, extra = request
        if method == "GET":
            url = fuzzed_path(target, world["args"], extra)
            response = client.get(url, query_string=changes)
            sent = changes
        else:
            url = target.action
            form = dict(target.fields)
            if form:  # replace some of the form's own fields, and maybe add others
                chosen = data.draw(st.sets(st.sampled_from(sorted(form)), min_size=1, max_size=3))
                form.update({name: data.draw(VALUES) for name in chosen})
            if extra or not form:
                form.update(changes)
            files = {name: (io.BytesIO(data.draw(st.binary(max_size=300))), data.draw(VALUES))
                     for name in target.files}  # fmt: skip
            response = client.post(url, data={**form, **files})
            sent = form
        assert response.status_code < 500, f"{method} {url} {sent!r}: {response.status_code}"

    fuzz()
