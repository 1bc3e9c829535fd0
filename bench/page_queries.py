"""Query counts of the everyday pages and API endpoints (issue 13: at most ten each).

    .venv/bin/python bench/page_queries.py                 a fresh SQLite demo database, removed
                                                           afterwards (3 minutes on the shared
                                                           2-core machine at load 11)
    DATABASE_URL=postgres://... .venv/bin/python bench/page_queries.py --existing
                                                           a database already seeded with
                                                           `seed_demo --profile huaibei`

What it does: unless `--existing`, builds a temporary SQLite database, migrates it, seeds the
Huaibei demo (`seed_demo --profile huaibei`) and computes 2026's ledgers (`aggregate_month`). Then
it requests each page once to warm up (sessions, calendar feeds, cached sections), and again while
counting its SQL statements, as the person who uses it: anonymous for public pages, a worker with
bookings for their own, the palace's staff for the desk and the ledgers. It prints one line per
page and exits non-zero if any page needs more than ten queries. The palace page is counted twice:
as served from its cached sections, and as rendered afresh (`cold`, which is not bounded by ten;
see docs/performance.md). Counts, unlike timings, do not depend on the machine's load.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LIMIT = 10


def _prepare_sqlite() -> str:
    folder = tempfile.mkdtemp(prefix="page-queries-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = Path(folder) / "demo.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "REDIS_URL": ""}
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    steps = (
        ["migrate", "-v", "0"],
        ["seed_demo", "--profile", "huaibei"],
        ["aggregate_month", "--all-months", "2026-01", "2026-11"],
    )
    for args in steps:
        subprocess.run([*manage, *args], env=env, cwd=BASE_DIR, check=True, capture_output=True)
    return f"sqlite:///{path}"


def _pages():
    """(label, url, user, headers, bounded) for every page and endpoint measured."""
    from bookings.models import Booking
    from palace_portal.users.models import User
    from performance.ledgers.models import Ledger
    from venues.models import Palace, StaffAssignment, Venue

    palace = Palace.objects.filter(status=Palace.Status.IN_SERVICE).order_by("pk").first()
    staff = StaffAssignment.objects.filter(role=StaffAssignment.Role.PALACE_STAFF, palace=palace).first().user
    worker = User.objects.get(
        pk=Booking.objects.order_by("user_id").values_list("user_id", flat=True).first()
    )
    ledger = Ledger.objects.filter(palace=palace).order_by("-month").first()
    month = ledger.month.strftime("%Y-%m")
    htmx = {"HTTP_HX_REQUEST": "true"}
    rows = [
        ("home", "/", None, {}, True),
        ("directory", "/palaces/", None, {}, True),
        ("palace (cached sections)", f"/palaces/{palace.pk}/", None, {}, True),
        ("palace (cold)", f"/palaces/{palace.pk}/", None, {}, False),
    ]
    for mode in ("exclusive", "shared", "appointment", "request"):
        venue = Venue.objects.filter(palace=palace, is_active=True, booking_mode=mode).order_by("pk").first()
        if venue is not None:
            rows.append((f"venue page, {mode} (worker)", f"/venues/{venue.pk}/", worker, {}, True))
            rows.append(
                (f"grid htmx, {mode} (worker)", f"/venues/{venue.pk}/availability/", worker, htmx, True)
            )
            rows.append((f"venue page, {mode} (anonymous)", f"/venues/{venue.pk}/", None, {}, True))
    shared = Venue.objects.filter(palace=palace, is_active=True, booking_mode="shared").order_by("pk").first()
    rows += [
        ("my bookings (worker)", "/my/bookings/", worker, {}, True),
        ("course catalogue", "/classes/", None, {}, True),
        ("staff day view (staff)", f"/staff/palaces/{palace.pk}/today/", staff, {}, True),
        ("a month's ledger (staff)", f"/performance/palace/{palace.pk}/ledgers/{month}/", staff, {}, True),
        ("a palace's months (staff)", f"/performance/palace/{palace.pk}/ledgers/", staff, {}, True),
        ("GET /api/v1/palaces/", "/api/v1/palaces/", None, {}, True),
        ("GET /api/v1/palaces/{id}/", f"/api/v1/palaces/{palace.pk}/", None, {}, True),
        ("GET /api/v1/venues/", "/api/v1/venues/", None, {}, True),
        (
            "GET availability (worker)",
            f"/api/v1/venues/{shared.pk}/availability/?date={ledger.month}",
            worker,
            {},
            True,
        ),
        ("GET /api/v1/bookings/ (worker)", "/api/v1/bookings/", worker, {}, True),
        ("GET /api/v1/courses/", "/api/v1/courses/", None, {}, True),
        ("GET /api/v1/ledgers/ (staff)", f"/api/v1/ledgers/?palace={palace.pk}", staff, {}, True),
    ]
    return rows


def main() -> int:
    if "--existing" not in sys.argv:
        os.environ["DATABASE_URL"] = _prepare_sqlite()
        os.environ["REDIS_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palace_portal.settings.base")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    print(f"{'page (who)':44} {'status':>6} {'queries':>7}   ({connection.vendor})")
    over = []
    for label, url, user, headers, bounded in _pages():
        client = Client()
        if user is not None:
            client.force_login(user)
        client.get(url, **headers)
        if not bounded:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, **headers)
        count = len(captured)
        flag = "" if not bounded or count <= LIMIT else "  over the bound"
        print(f"{label:44} {response.status_code:>6} {count:>7}{flag}")
        if bounded and (count > LIMIT or response.status_code != 200):
            over.append(label)
    if over:
        print(f"{len(over)} page(s) over {LIMIT} queries or not answered: {', '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
