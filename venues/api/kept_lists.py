"""Which API lists may be kept in the shared cache: those people browse, asked one way.

A kept list is keyed by its query string, so the keys must stay bounded by what the network holds,
not by what a query string can: only known filters, each once, at most two of them, ids and pages
written as plain numbers (`0001` is `1` written otherwise), the default page size. A free-text
search, an unknown parameter or a page size is answered for its request only. Used by the
palaces' list (here) and the courses' list (`activities.classes.api`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from urllib.parse import urlencode

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


def list_name(request, *, filters: set[str], numbers: Iterable[str]) -> str | None:
    """The part of a kept list's key that names what was asked, or None when the list asked for is
    not to be kept (`list_keepable`): the query (sorted, as DRF's page links sort it: any order
    of the same parameters is one list) as a digest, and the address the answer's links and
    pictures are absolute to."""
    if not list_keepable(request.query_params, filters=filters, numbers=numbers):
        return None
    query = urlencode(sorted(request.query_params.items()))
    return f"{hashlib.sha256(query.encode()).hexdigest()[:32]}:{request.scheme}://{request.get_host()}"


def _plain_text(value: str) -> bool:
    return len(value) <= 32 and value.isascii() and not any(character.isspace() for character in value)
