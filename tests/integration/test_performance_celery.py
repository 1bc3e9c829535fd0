"""Monthly ledgers on the real services: a Celery worker on Redis aggregates a month on
PostgreSQL, and two runs of one month race on PostgreSQL, where the month's row lock is what keeps
them apart (the same race on SQLite is in tests/performance/test_ledgers_concurrency.py)."""

import json
import secrets
import time

import pytest

from performance.ledgers import services
from performance.ledgers.models import Ledger, LedgerFigure
from tests.performance.ledger_race import overlapping, race_two_runs
from tests.performance.ledger_world import MONTH, NOW, build, expected

# Written into the worker's own database (not this test's), in a month no other test uses, and
# removed afterwards.
SEED = """
import json, sys
from datetime import date, time
from activities.models import Activity
from venues.models import OpeningHours, Palace, Region, Venue
tag = sys.argv[1]
province, _ = Region.objects.get_or_create(code="369900", defaults={"name": "测试省", "level": "province"})
city = Region.objects.create(code=tag, name=f"测试市{tag}", level="city", parent=province)
palace = Palace.objects.create(name=f"测试宫{tag}", level="city", status="in_service", region=city)
for day in range(7):
    OpeningHours.objects.create(palace=palace, weekday=day, opens=time(9), closes=time(21))
Venue.objects.create(
    palace=palace, name="羽毛球馆", centre="health", kind="badminton", booking_mode="exclusive", capacity=4
)
for n, people in enumerate([120, 80, 45]):
    Activity.objects.create(palace=palace, title=f"讲座{n}", kind="lecture", centre="education",
                            date=date(2033, 5, 3 + n), participants=people, online_viewers=10 * n)
Activity.objects.create(
    palace=palace, title="下月", kind="lecture", centre="education", date=date(2033, 6, 1), participants=999
)
print(json.dumps({"palace": palace.pk}))
"""
READ_AND_CLEAN = """
import json, sys
from datetime import date
from performance.ledgers.models import Ledger
from performance.ledgers.selectors import figures_for
from venues.models import Palace
pk = int(sys.argv[1])
month = date(2033, 5, 1)
figures = figures_for([pk], [month], ["activities", "person_times", "online_viewers", "open_hours"])[pk]
ledger = Ledger.objects.filter(palace_id=pk, month=month).values("computed_at", "source_rows").first()
palace = Palace.objects.get(pk=pk)
region = palace.region
palace.delete()
region.delete()
print(json.dumps({
    "figures": {k: float(v) for k, v in figures.items()},
    "rows": ledger and ledger["source_rows"],
    "computed": bool(ledger and ledger["computed_at"]),
}))
"""


def test_a_worker_aggregates_a_month_on_postgresql(postgres, celery_worker, django_process):
    tag = f"36{secrets.randbelow(9000) + 1000:04d}"
    seeded = django_process(SEED, tag)
    assert seeded.returncode == 0, seeded.stderr
    palace = json.loads(seeded.stdout)["palace"]
    try:
        result = celery_worker.send_task("performance.tasks.aggregate_month", args=["2033-05", palace])
        answer = result.get(timeout=120)
        again = celery_worker.send_task("performance.tasks.aggregate_month", args=["2033-05", palace]).get(
            timeout=120
        )
    finally:
        read = django_process(READ_AND_CLEAN, str(palace))
    assert read.returncode == 0, read.stderr
    stored = json.loads(read.stdout)

    assert result.status == "SUCCESS"
    assert answer["month"] == "2033-05"
    assert answer["ledgers"] == 1
    assert answer["created"] == 1
    assert again["created"] == 0
    assert again["figures"] == answer["figures"]
    assert stored["figures"] == {
        "activities": 3,
        "person_times": 245,
        "online_viewers": 30,
        "open_hours": 12 * 31,
    }
    assert stored["rows"] == 3
    assert stored["computed"] is True


@pytest.mark.django_db(transaction=True)
def test_two_runs_of_one_month_never_interleave_on_postgresql(postgres, world, monkeypatch):
    records = build(world)

    intervals, errors = race_two_runs(monkeypatch, month=MONTH, now=NOW)

    assert errors == []
    assert len(intervals) == 2
    assert not overlapping(intervals), intervals
    assert Ledger.objects.filter(month=MONTH).count() == 2
    keys = list(LedgerFigure.objects.values_list("ledger", "metric"))
    assert len(keys) == len(set(keys))
    a = {f.metric: f.value for f in LedgerFigure.objects.filter(palace=world.palace_a)}
    assert a == {code: value.quantize(a[code]) for code, value in expected(records, world.palace_a).items()}


@pytest.mark.django_db(transaction=True)
def test_without_the_month_lock_the_two_runs_would_interleave(postgres, world, monkeypatch):
    """The control: the race above can fail. With the lock taken away, PostgreSQL lets both runs
    count at the same time."""
    build(world)
    monkeypatch.setattr(services, "_lock_months", lambda months: [])

    intervals, errors = race_two_runs(monkeypatch, month=MONTH, now=NOW)

    assert errors == []
    assert overlapping(intervals), intervals


WRITE = """
from django.core.cache import cache
from palace_portal.celery import app
from performance.dashboards import warming
from performance.ledgers import data_version
app.conf.task_always_eager = False  # a web process of production's: tasks go to the broker
cache.delete(warming.PENDING_KEY)  # a mark an earlier test left (its private broker may be gone)
data_version._bump()  # a ledger write's commit: queues the dashboards' refresh
print(data_version.data_version())
"""
CACHED = """
import sys
from django.utils import translation
from performance.dashboards import caching, selectors
from performance.ledgers import data_version

def not_cached():
    raise LookupError
if data_version.data_version() != sys.argv[1]:
    print("moved")  # another write since: its own refresh is the one to wait for
    sys.exit()
with translation.override("zh-hans"):
    try:
        caching.cached(f"province:{caching.period_name(selectors.default_period())}", not_cached)
        print("cached")
    except LookupError:
        print("missing")
"""


def test_after_a_write_a_worker_refreshes_the_dashboards_into_the_shared_cache(
    postgres, celery_worker, django_process
):
    # The writer and the reader are other processes than the worker: the page reaches the reader
    # through Redis, computed by the worker after the task's countdown.
    written = django_process(WRITE)
    assert written.returncode == 0, written.stderr
    version = written.stdout.strip()
    assert _refreshed(django_process, version, seconds=60) == "cached"


def _refreshed(django_process, version: str, *, seconds: float) -> str:
    """Ask another process, every second or two, whether the province's dashboard of `version`
    is in the shared cache: "cached", "missing" (still, after `seconds`) or "moved"."""
    deadline = time.monotonic() + seconds
    state = "missing"
    while state == "missing" and time.monotonic() < deadline:
        time.sleep(1.5)
        read = django_process(CACHED, version)
        assert read.returncode == 0, read.stderr
        state = read.stdout.strip()
    return state


READ_DASHBOARD = """
from django.utils import translation
from performance.dashboards import caching, selectors
with translation.override("zh-hans"):
    dash = caching.province_dashboard(selectors.default_period())
print("stale" if dash.stale else "fresh")
"""


def test_until_the_refresh_runs_other_processes_are_served_the_last_dashboard_marked_stale(
    postgres, celery_worker, django_process
):
    # Through Redis: the latest dashboard one process computed, the pending mark another set, the
    # refresh the worker ran. The countdown is lengthened so that the reader surely comes first.
    first = django_process(READ_DASHBOARD)
    assert first.returncode == 0, first.stderr
    written = django_process(
        WRITE.replace("data_version._bump()", "warming.DELAY = 30\ndata_version._bump()")
    )
    assert written.returncode == 0, written.stderr
    version = written.stdout.strip()

    during = django_process(READ_DASHBOARD)
    state = _refreshed(django_process, version, seconds=90)
    after = django_process(READ_DASHBOARD)

    assert during.returncode == 0, during.stderr
    assert first.stdout.strip() == "fresh"
    assert during.stdout.strip() == "stale"
    assert state == "cached"
    assert after.stdout.strip() == "fresh"
