"""Why a value of the file cannot be used as it is, in words a facility manager can act on."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from imports.places import Places
from imports.resolve import Status, Value
from inventory import vocabulary

SHOWN_OPTIONS = 3  # places named in one message

_MISSING = {
    "department": _l("no department called %(name)s (tick “create missing”)"),
    "category": _l("no category called %(name)s (tick “create missing”)"),
    "site": _l("no site called %(name)s (tick “create missing”)"),
    "storeroom": _l("no storeroom called %(name)s (tick “create missing”)"),
}
_NEAR = {
    "department": _l("no department called %(name)s, but there is %(near)s: choose in the "
                     "preview which it is, or that it is new"),
    "category": _l("no category called %(name)s, but there is %(near)s: choose in the "
                   "preview which it is, or that it is new"),
    "site": _l("no site called %(name)s, but there is %(near)s: choose in the preview which "
               "it is, or that it is new"),
    "storeroom": _l("no storeroom called %(name)s, but there is %(near)s: choose in the "
                    "preview which it is, or that it is new"),
}  # fmt: skip


def value_problem(value: Value, places: Places, *, create_missing: bool) -> str | None:
    """The reason rows naming this value are refused, or None if they may be imported."""
    name = value.text
    if value.status in (Status.FOUND, Status.CHOSEN):
        return None
    if value.status == Status.NEW:
        return None if create_missing else str(_MISSING[value.kind] % {"name": name})
    if value.status == Status.NEAR:
        return str(_NEAR[value.kind] % {"name": name, "near": _names(value, places)})
    if value.status == Status.UNKNOWN:
        return str(_l("unknown condition: %(value)s; use one of %(choices)s, or choose in the "
                      "preview what it means", value=name, choices=_conditions()))  # fmt: skip
    if value.status == Status.ELSEWHERE:
        room = value.target
        assert isinstance(room, int) and value.site is not None
        return str(_l("%(name)s is a storeroom at %(other)s, not at %(site)s", name=name,
                      other=places.site_names[places.room_site[room]], site=value.site.text))  # fmt: skip
    return _ambiguous(value, places)


def _ambiguous(value: Value, places: Places) -> str:
    name, count = value.text, len(value.options)
    if value.kind == "category":
        example = places.category_label(value.options[0])
        return str(_l("%(name)s is in %(n)d places in the category tree: write its path (such "
                      "as %(path)s) or choose one in the preview", name=name, n=count,
                      path=example))  # fmt: skip
    if value.site is not None:
        return str(_l("%(name)s is the name of %(n)d storerooms at %(site)s: use their codes, "
                      "or choose one in the preview", name=name, n=count, site=value.site.text))  # fmt: skip
    sites = sorted({places.site_names[places.room_site[room]] for room in value.options})
    return str(_l("%(name)s exists at %(n)d sites (%(sites)s): add a site column, or choose "
                  "one in the preview", name=name, n=len(sites), sites=", ".join(sites)))  # fmt: skip


def _names(value: Value, places: Places) -> str:
    """The near places as the user knows them, the first few."""
    label = places.room_label if value.kind == "storeroom" else (
        lambda id_: places.label(value.kind, id_)
    )  # fmt: skip
    shown = [label(id_) for id_ in value.options[:SHOWN_OPTIONS]]
    return ", ".join(shown) + (" …" if len(value.options) > SHOWN_OPTIONS else "")


def _conditions() -> LazyString:
    return LazyString(lambda: ", ".join(str(label) for label in vocabulary.CONDITION.values()))
