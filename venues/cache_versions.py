"""Versioned keys in the shared cache: what the home page (`home_cache`), the palace page's sections
(`page_cache`) and the directory (`directory_cache`) are cached under.

A version is a random token kept in the cache itself (Redis in production, local memory on a
laptop), with no timeout. Whatever is cached puts the versions it depends on into its key, so
writing a new version (`version_changed`) makes every older entry unreachable at once; the old
entries expire with their own timeout. Save and delete signals of the models a page shows write
new versions (`version_watch`); writes that send no signal (`update()`, `bulk_create()`) call
`version_changed` themselves. What time alone changes is not a write: `timed_block` keeps a
rendered block only until the moment it says its content stops being true.

When the cache is down (django-redis ignores its errors) every read finds no version and makes a
new one: each request then renders from the database, as if nothing were cached, never stale.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

T = TypeVar("T")

# The moments until which the kept values read while building an enclosing one stay true (see
# `timed_value`): one list per build under way in this request, none outside a build.
_INNER_UNTIL: ContextVar[list[datetime] | None] = ContextVar("inner_until", default=None)


def version_of(*keys: str) -> str:
    """The current versions under `keys`, joined (one cache round trip). A missing version (never
    written, evicted, the cache down) is created, so the next render reads the database rather
    than an older entry."""
    if len(keys) == 1:
        value = cache.get(keys[0])
        found = {} if value is None else {keys[0]: value}
    else:
        found = cache.get_many(keys)
    versions = []
    for key in keys:
        value = found.get(key)
        if value is None:
            value = uuid.uuid4().hex
            # `add` keeps a version another process wrote meanwhile; a version that outlives the
            # entries it names only costs a render.
            if not cache.add(key, value, timeout=None):
                value = cache.get(key) or value
        versions.append(value)
    return ".".join(versions)


def version_peek(*keys: str) -> str | None:
    """The current versions under `keys`, joined, or None if one is missing: `version_of` for a key
    that a request names (a palace's id), which must not create a version that never expires for
    an id nothing has (the caller builds its content uncached, then creates the version once the
    row is known to exist)."""
    found = cache.get_many(keys)
    if any(found.get(key) is None for key in keys):
        return None
    return ".".join(found[key] for key in keys)


def version_bump(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, timeout=None)


def version_changed(key: str) -> None:
    """What is cached under `key`'s version has changed: build it anew.

    Bumps now (the writer's own next read sees the change) and again after the transaction
    commits (a reader that cached the old rows between the two, before the commit, is not
    believed either).
    """
    version_bump(key)
    transaction.on_commit(lambda: version_bump(key))


def version_watch(prefix: str, receiver: Callable, *models) -> None:
    """Call `receiver(sender, instance, **kwargs)` whenever a row of these models is saved or
    deleted (`prefix` names the connections, so that connecting twice connects once)."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        uid = f"{prefix}:{model._meta.label}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + ":delete")


def timed_value(key: str, build: Callable[[datetime], tuple[T, datetime | None]], *, ttl: int) -> T:
    """A value kept in the cache under `key` (which holds its versions and language).

    `build(now)` makes it and says until when it stays true with no write (None: until a write;
    never longer than `ttl` seconds; `now` or earlier: not kept at all). That moment is kept with
    the value and checked against the portal's clock on every read: the cache's own expiry counts
    whole seconds of its own clock. Plain values only (text, numbers, tuples).

    Kept values may nest: a page kept whole holds blocks kept on their own. A value built from
    others is kept no longer than the first of them stays true (their moments are collected while
    it is built, read from the cache or built afresh), so the page changes with its blocks.
    """
    now = timezone.now()
    cached = cache.get(key)
    if cached is not None and now < cached[0]:
        _report(cached[0])
        return cached[1]
    inner: list[datetime] = []
    token = _INNER_UNTIL.set(inner)
    try:
        value, until = build(now)
    finally:
        _INNER_UNTIL.reset(token)
    limit = now + timedelta(seconds=ttl)
    until = min(until or limit, limit, *inner)
    _report(until)
    seconds = math.floor((until - now).total_seconds())
    if seconds >= 1:
        cache.set(key, (until, value), timeout=seconds)
    return value


def _report(until: datetime) -> None:
    """Tell the value being built around this one (if any) until when this one stays true."""
    enclosing = _INNER_UNTIL.get()
    if enclosing is not None:
        enclosing.append(until)


def timed_block(
    key: str, build: Callable[[datetime], tuple[str, datetime | None]], *, ttl: int
) -> SafeString:
    """A rendered block kept in the cache under `key` (`timed_value`), as text."""

    def rendered(now: datetime) -> tuple[str, datetime | None]:
        html, until = build(now)
        return str(html), until

    return mark_safe(timed_value(key, rendered, ttl=ttl))  # noqa: S308 - our own rendering, autoescaped
