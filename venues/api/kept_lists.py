"""Which API lists may be kept in the shared cache: those people browse, asked one way.

A kept list is keyed by its query string, so the keys must stay bounded by what the network holds,
not by what a query string can: only known filters, each once, at most two of them, ids and pages
written as plain numbers (`0001` is `1` written otherwise), the default page size. A free-text
search, an unknown parameter or a page size is answered for its request only. Used by the
palaces' list (here) and the courses' list (`activities.classes.api`).
"""

from __future__ import annotations

from collections.abc import Iterable

MOST_FILTERS = 2


def plain_number(value: str, *, digits: int) -> bool:
    """`value` is a whole number as it is plainly written (`12`, not `012`, `+12` or `١٢`) of at
    most `digits` digits: one spelling per number, so that it can name a kept entry."""
    return value.isascii() and value.isdigit() and value == str(int(value)) and len(value) <= digits


def list_keepable(params, *, filters: set[str], numbers: Iterable[str]) -> bool:
    """May the list asked with `params` (a QueryDict) be kept: only `filters` and `page`, each
    once, at most `MOST_FILTERS` filters, the parameters named in `numbers` plain numbers, and
    every value short, ASCII and without spaces (a filter that strips its input, a month say,
    would otherwise accept a value written with any number of spaces around it)."""
    names = set(params)
    if not names <= filters | {"page"} or any(len(params.getlist(name)) != 1 for name in names):
        return False
    if len(names - {"page"}) > MOST_FILTERS:
        return False
    if not all(_plain_text(params[name]) for name in names):
        return False
    return all((value := params.get(name)) is None or plain_number(value, digits=9) for name in numbers)


def _plain_text(value: str) -> bool:
    return len(value) <= 32 and value.isascii() and not any(character.isspace() for character in value)
