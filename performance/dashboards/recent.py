"""The dashboards readers computed lately, which the refresh-ahead computes again after a write.

The refresh (`warming.warm`) always computes the province's and every city's dashboard of the
period they open on, in the portal's language. An officer who reads another (last year, a month,
the other language) computes it once (`caching`, on a cache miss); it is remembered here, in the
shared cache, and for `KEPT_FOR` the refresh after each write computes it too, so its later
readers find it in the cache. At most `LIMIT` are remembered (the most recent); a dashboard the
refresh keeps in the cache is not computed by readers, so it is remembered from its last reader's
computation: at most once every `KEPT_FOR`, a reader computes it again and it is remembered anew.

The list is one cache entry rewritten on each reader's computation: two computations at the same
moment may lose one of the two, which its next reader's computation writes again. A cache that
does not answer remembers nothing (the refresh then computes the defaults only).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import translation

from ..rankings.periods import Period

KEY = "performance:dashboards-recent"
KEPT_FOR = 3600  # seconds
LIMIT = 24


@dataclass(frozen=True)
class Read:
    """A dashboard as the refresh computes it: the province's (`city_id` None) or a city's, of a
    period, in a language."""

    city_id: int | None
    period: Period
    language: str


def remember(city_id: int | None, period: Period) -> None:
    """Remember the dashboard a reader has just computed (in the active language)."""
    read = Read(city_id, period, translation.get_language())
    now = time.time()
    kept = {r: at for r, at in (cache.get(KEY) or {}).items() if now - at < KEPT_FOR and r != read}
    kept[read] = now
    newest = sorted(kept.items(), key=lambda item: item[1], reverse=True)[:LIMIT]
    cache.set(KEY, dict(newest), timeout=KEPT_FOR)


def reads() -> list[Read]:
    """The dashboards remembered and not yet forgotten, the most recent first."""
    now = time.time()
    found = cache.get(KEY) or {}
    return [
        r for r, at in sorted(found.items(), key=lambda item: item[1], reverse=True) if now - at < KEPT_FOR
    ]
