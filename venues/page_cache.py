"""The palace page, kept rendered: versioned keys, bumped when what it shows changes.

The public palace page shows the palace (its city and county, hours, closures, venues, satellite
points) and, below its venues, a dozen small sections that other apps add (the year's figures,
series, news, classes and events, legal help, teams, worker voice, jobs, the alliance): about
seventeen queries and 15-20 ms of rendering at ten times the province, for a page that changes far
less often than it is read. Its content (everything but the page frame) is kept in the shared
cache (`venues.views.palace_detail`, `cache_versions.timed_value`) under a key holding a version:
the palace's own (`palace_page_changed(palace_id)`) and a network-wide one
(`palace_page_changed(None)`, for rows that belong to no single palace: a region, an employer, a
term, a rotation of the alliance). Writing a new version makes every older entry unreachable; they
expire with their timeout.

The content is the same for everyone: it is rendered without the request, and the sections' tags
get no user, so nothing personal can be kept there (tests/venues/test_page_cache.py checks a
signed-in visitor's page); the menus, messages and CSRF tokens are in the frame, rendered per
request. What time alone changes is not a write: the content is kept only until the palace next
opens or closes ("open now · closes at 21:00"), and never past the local midnight (today's hours,
closures by date, a survey closing at midnight). The timeout bounds what no write announces: an
event that ends and rows written in bulk (the demo, the scale data).

The cache may be down (django-redis ignores its errors): the version then reads as new on every
request and the page is rendered from the database, as it was before the cache.
"""

from __future__ import annotations

from django.core.cache import cache  # noqa: F401 - the shared cache the sections live in (tests patch it)

from .cache_versions import version_bump, version_changed, version_of, version_peek, version_watch

# Five minutes: the longest a change that no write announces stays unseen.
PALACE_PAGE_TTL = 300
_NETWORK_KEY = "palace-page:v:network"


def _palace_key(palace_id: int) -> str:
    return f"palace-page:v:{palace_id}"


def palace_page_version(palace_id: int) -> str:
    """The version that the palace page's cached sections are keyed with (one cache round trip).

    A missing version (never written, evicted, the cache down) is created, so the next render
    reads the database again rather than an older fragment.
    """
    return version_of(_NETWORK_KEY, _palace_key(palace_id))


def palace_page_known_version(palace_id: int) -> str | None:
    """`palace_page_version` if it exists, else None (nothing created): for a palace id taken from
    a request, which may name no palace at all (each unknown id would otherwise leave a version
    in the cache for good). Create it with `palace_page_version` once the palace is found."""
    return version_peek(_NETWORK_KEY, _palace_key(palace_id))


def existing_palace_page_version(palace_id: int) -> str | None:
    """The palace page's version for a palace id taken from a request: the known one, else made
    now if the palace exists (one query, its first view after the cache was emptied), else None
    (the caller answers 404). What the palace page and the API's palace key their content with."""
    version = palace_page_known_version(palace_id)
    if version is not None:
        return version
    from .models import Palace

    if not Palace.objects.filter(pk=palace_id).exists():
        return None
    return palace_page_version(palace_id)


def _bump(palace_id: int | None) -> None:
    version_bump(_NETWORK_KEY if palace_id is None else _palace_key(palace_id))


def palace_page_changed(palace_id: int | None) -> None:
    """Something the palace page's sections show has changed: render them anew.

    `palace_id=None` for a row shared by many palaces. Bumps now (the writer's own next read sees
    the change) and again after the transaction commits (a reader that cached the old rows
    between the two, before the commit, is not believed either).
    """
    version_changed(_NETWORK_KEY if palace_id is None else _palace_key(palace_id))


def _palace_of(instance) -> int | None:
    from .models import Palace

    if isinstance(instance, Palace):
        return instance.pk
    return getattr(instance, "palace_id", None)


def _on_change(sender, instance, **kwargs) -> None:
    palace_page_changed(_palace_of(instance))


def _on_m2m_change(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        palace_page_changed(_palace_of(instance))


def palace_page_watch(*models) -> None:
    """Render the palace page's sections anew whenever a row of these models is saved or deleted
    (the app that owns a section lists the models it shows, in its `AppConfig.ready`).

    Signals, not calls in each service: the sections read rows that many services, the admin and
    the demo write, and a missed call would show stale content for minutes. Writes that bypass
    signals (`update()`, `bulk_create()`) call `palace_page_changed` themselves.
    """
    from django.db.models.signals import m2m_changed

    version_watch("palace-page", _on_change, *models)
    for model in models:
        uid = f"palace-page:{model._meta.label}"
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _on_m2m_change, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}"
            )
