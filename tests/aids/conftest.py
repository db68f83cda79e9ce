"""Fixtures of the aid tests."""

from tests.aids.fixtures import depot, make_aid, step  # noqa: F401  (fixtures)
