"""The palace directory (`/palaces/`), rendered once per query string, language and version.

The directory is public and the same for everyone: its filter form, the palaces of the page with
their badges, place, open state and venue count, and the pages. Rendering it cost four queries
and about 15 ms of CPU per request, for a list that changes when staff edit a palace. It is kept
in the shared cache (`cache_versions.timed_block`) under a key holding the whole query string
(filters and page: nothing else decides what it shows), the language and one version. Only the
lists people browse are kept (`venues.views._directory_cacheable`: at most two filters, valid,
no free-text search, a page that exists, some palaces), so that the keys are bounded by the
network rather than by what a query string can hold; the others are rendered per request.

- a save or delete of a palace (its name, picture, status, level, address, alliance flag),
  a region (the city and county names, the city filter), a venue (the counts, the centre
  filter), opening hours or a closure (the open state) writes a new version
  (`directory_watch`, in `VenuesConfig.ready`); the alliance flag, written by `update()`, calls
  `directory_changed()` (`alliance.services.membership`);
- time alone changes the open states ("open now · closes at 21:00", "opens tomorrow at 9:00"):
  the list is kept only until the first moment one of its palaces opens or closes, and never past
  the local midnight (today/tomorrow, closures by date), nor longer than `DIRECTORY_TTL`, which
  bounds rows written in bulk (the demo, the scale data) that announce nothing.

Nothing personal is in it: the form is a GET form (no CSRF token), the signed-in menus and the
messages are in the page frame around it, rendered per request.
"""

from __future__ import annotations

from .cache_versions import version_changed, version_of, version_watch

# Five minutes: the longest that rows written without a signal (bulk writes) stay unseen.
DIRECTORY_TTL = 300
_VERSION_KEY = "directory:v"


def directory_version() -> str:
    return version_of(_VERSION_KEY)


def directory_changed() -> None:
    """Something the directory shows has changed: render it anew (now and after the commit)."""
    version_changed(_VERSION_KEY)


def _on_change(sender, **kwargs) -> None:
    directory_changed()


def directory_watch(*models) -> None:
    """Render the directory anew whenever a row of these models is saved or deleted."""
    version_watch("directory", _on_change, *models)
