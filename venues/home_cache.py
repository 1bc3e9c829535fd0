"""The home page's cached blocks: the network's figures, the "coming up" list, the alliance's next
provincial events and the latest news.

Every visitor of the home page used to pay for a count over every region and palace, a group over
every venue of the province and the choice of the coming events and open classes: seven queries
and 28 ms at ten times the province, for blocks that change far less often than the page is read.
They are now kept in the shared cache (Redis in production) under a key that holds one version,
kept in the cache too (`home_page_version()`), as the palace page does (`venues/page_cache.py`):

- a save or delete of a row the blocks show (palaces, regions, venues; events, courses, terms and
  their offerings, which hold the sign-up windows; hosting applications and calls; articles and
  columns) writes a new version (`home_page_watch(...)`, in each app's `AppConfig.ready`); writes
  that send no signal call `home_page_changed()`;
- what time alone changes is not a write: a rendered block (`home_block`) is kept only until the
  next moment its content would change by itself (for "coming up": an event shown ends, a sign-up
  window shown closes, a window opens; for the alliance: the next day), and never longer than
  `HOME_TTL`, which also bounds rows written in bulk (the demo, the scale data) that announce
  nothing.

Nothing personal is cached: the blocks hold public rows only, keyed at most by the palace that a
signed-in visitor's list puts first (the same list for everyone whose palace it is). When the
cache is down every request reads a new version and the blocks come from the database, as before.

The course catalogue shows the same rows (courses, terms, offerings, palaces, regions, venues) and
keeps its cards under the same version with `home_value` (`activities/classes/catalogue.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from django.core.cache import cache  # noqa: F401 - the shared cache these blocks live in (tests patch it)
from django.utils import translation
from django.utils.safestring import SafeString

from .cache_versions import timed_block, timed_value, version_bump, version_changed, version_of, version_watch

# Five minutes: the longest that rows written without a signal (bulk writes) stay unseen.
HOME_TTL = 300
_VERSION_KEY = "home-page:v"

T = TypeVar("T")


def home_page_version() -> str:
    """The version the home page's cached blocks are keyed with (one cache round trip; a missing
    version is created, so the next render reads the database rather than an older block)."""
    return version_of(_VERSION_KEY)


def _bump() -> None:
    version_bump(_VERSION_KEY)


def home_page_changed() -> None:
    """Something the home page's cached blocks show has changed: build them anew.

    Bumps now (the writer's next page shows the change) and again after the commit (a reader that
    cached the old rows between the two, before the commit, is not believed either).
    """
    version_changed(_VERSION_KEY)


def _on_change(sender, **kwargs) -> None:
    home_page_changed()


def home_page_watch(*models) -> None:
    """Build the home page's blocks anew whenever a row of these models is saved or deleted."""
    version_watch("home-page", _on_change, *models)


def _key(name: str) -> str:
    return f"home-page:{name}:{home_page_version()}:{translation.get_language()}"


def home_value(name: str, build: Callable[[datetime], tuple[T, datetime | None]]) -> T:
    """A value kept in the cache under the home page's version and the language: a block of the
    home page, or another page's part that shows the same rows (the course catalogue's cards,
    `activities.classes.catalogue`). Plain values only (text, numbers, tuples): no model instances.

    `name` holds whatever else the value depends on (the palace put first, a page's filters).
    `build(now)` makes it and says until when it stays true with no write (None: until a write,
    or `HOME_TTL`; `now` or earlier: not kept at all): see `cache_versions.timed_value`.
    """
    return timed_value(_key(name), build, ttl=HOME_TTL)


def home_block(name: str, build: Callable[[datetime], tuple[str, datetime | None]]) -> SafeString:
    """A block of the home page rendered once per version and language and kept in the cache
    (`home_value`): `build(now)` renders it and says until when it stays true with no write."""
    return timed_block(_key(name), build, ttl=HOME_TTL)
