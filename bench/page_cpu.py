"""CPU per warm request of the venue page, its grid and the directory, in-process.

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/page_cpu.py [--code DIR]
        [--requests 100] [--rounds 3] [--only NAME] [--profile NAME]

The database is the demo (`manage.py seed_demo`) on SQLite; `--code` is a checkout of the portal to
measure (default: this one), so that an older commit (`git archive <commit> | tar -x -C DIR`) runs
against the same rows with the same interpreter. Settings: the laptop's with DEBUG off (the page
frame's memo on, hashed static files: run `collectstatic` into `DJANGO_STATIC_ROOT` first),
local-memory cache. Django's test client, one request at a time, everything inside one transaction
rolled back at the end (`force_login` writes a session).

Pages: the directory (anonymous: unfiltered, with a city and a centre, and a search), and for the demo
palace's busiest venue of each booking mode, tomorrow's venue page and its htmx grid, as the demo
worker (a union member with bookings). Each is requested three times to warm up (caches filled),
its queries counted on the fourth, then `--rounds` rounds of `--requests` requests: the CPU time of
the request's thread (`time.thread_time`), median of each round, and the median of the rounds.
`--profile NAME` prints cProfile's top functions for that page instead.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="")
    args = parser.parse_args()
    sys.path.insert(0, args.code)
    os.chdir(args.code)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="palace_portal.settings.base",
        DJANGO_DEBUG="false",
        DJANGO_HTTPS="false",
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from palace_portal.users.models import User
    from venues.demo.accounts import DEMO_ACCOUNTS, DEMO_PALACE_NAME
    from venues.models import Venue

    phone = next(account.phone for account in DEMO_ACCOUNTS if account.key == "worker")
    worker = User.objects.get(phone=phone)
    tomorrow = timezone.localdate() + timedelta(days=1)
    busiest: dict[str, Venue] = {}
    venues = (
        Venue.objects.filter(palace__name=DEMO_PALACE_NAME, is_active=True)
        .annotate(n=Count("bookings"))
        .order_by("-n", "pk")
    )
    for venue in venues:
        busiest.setdefault(venue.booking_mode, venue)
    pages = [
        ("directory", "/palaces/", None, {}),
        ("directory, a city and a centre", "/palaces/?city=360100&centre=health", None, {}),
        # A free-text search is never kept in the cache (venues.views._directory_cacheable).
        ("directory, a search", "/palaces/?q=%E5%8D%97%E6%98%8C", None, {}),
    ]
    for mode, venue in sorted(busiest.items()):
        pages.append((f"venue page, {mode}", f"/venues/{venue.pk}/?date={tomorrow}", worker, {}))
        pages.append(
            (
                f"  grid (htmx), {mode}",
                f"/venues/{venue.pk}/availability/?date={tomorrow}",
                worker,
                {"HTTP_HX_REQUEST": "true"},
            )
        )
    pages = [page for page in pages if args.only in page[0]]

    with transaction.atomic():
        for name, url, user, headers in pages:
            client = Client()
            if user is not None:
                client.force_login(user)
            for _ in range(3):
                assert client.get(url, **headers).status_code == 200, url
            queries: list[str] = []

            def counted(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counted):
                size = len(client.get(url, **headers).content)
            if args.profile and args.profile in name:
                _profile(client, url, headers, args.requests)
                continue
            rounds = []
            for _ in range(args.rounds):
                cpu = []
                for _ in range(args.requests):
                    started = time.thread_time()
                    client.get(url, **headers)
                    cpu.append(time.thread_time() - started)
                rounds.append(statistics.median(cpu) * 1000)
            figures = " ".join(f"{ms:5.1f}" for ms in rounds)
            print(
                f"{name:34s} {len(queries):2d} queries {size:6d} bytes  CPU ms {figures}"
                f"  median {statistics.median(rounds):5.1f}",
                flush=True,
            )
        transaction.set_rollback(True)


def _profile(client, url: str, headers: dict, requests: int) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url, **headers)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
