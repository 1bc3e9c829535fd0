"""The read-replica router (palace_portal.db_router): which alias each read and write goes to.

The first tests check the router's decisions with a replica declared but never connected to. The
last ones need a second alias in the settings (`DATABASE_TEST_REPLICA=1`: `replica` mirrors the
test database, see settings/test.py) and count the queries each connection ran for real pages.
The real streaming replica is tests/integration/test_read_replica.py.
"""

import os
import threading

import pytest
from django.contrib.sessions.models import Session
from django.db import connections, router, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Booking
from palace_portal import db_router
from palace_portal.db_router import PRIMARY, REPLICA, ReplicaRouter, replica_reads, use_replica
from venues.models import Palace

ROUTER = ReplicaRouter()


@pytest.fixture
def declared(monkeypatch):
    """A replica declared and caught up, as far as the router knows (nothing connects to it)."""
    state = {"replayed": True, "asked": []}

    def replayed(lsn):
        state["asked"].append(lsn)
        return state["replayed"]

    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    monkeypatch.setattr(db_router, "replica_has_replayed", replayed)
    return state


def test_it_reads_from_the_primary_outside_a_replica_block(declared):
    assert ROUTER.db_for_read(Palace) == PRIMARY


def test_it_reads_from_the_replica_inside_a_block_and_writes_to_the_primary(declared):
    with use_replica() as chosen:
        assert chosen is True
        assert ROUTER.db_for_read(Palace) == REPLICA
        assert ROUTER.db_for_write(Palace) == PRIMARY
    assert ROUTER.db_for_read(Palace) == PRIMARY


@pytest.mark.django_db(transaction=True)  # a plain django_db test runs inside a transaction itself
def test_it_reads_from_the_primary_inside_a_transaction(declared):
    # Every service runs in a transaction: its checks (limits, overlaps, counters) read the primary.
    with use_replica():
        with transaction.atomic():
            assert ROUTER.db_for_read(Booking) == PRIMARY
        assert ROUTER.db_for_read(Booking) == REPLICA


def test_it_never_reads_sessions_from_the_replica(declared):
    with use_replica():
        assert ROUTER.db_for_read(Session) == PRIMARY


def test_a_nested_block_may_send_reads_back_to_the_primary(declared):
    with use_replica():
        with use_replica(False):
            assert ROUTER.db_for_read(Palace) == PRIMARY
        assert ROUTER.db_for_read(Palace) == REPLICA


def test_a_replica_behind_the_position_asked_for_is_not_used(declared):
    declared["replayed"] = False
    with use_replica(min_lsn="0/16B3748") as chosen:
        assert chosen is False
        assert ROUTER.db_for_read(Palace) == PRIMARY
    assert declared["asked"] == ["0/16B3748"]


def test_without_a_replica_the_block_changes_nothing(monkeypatch):
    asked = []
    monkeypatch.setattr(db_router, "replica_has_replayed", asked.append)
    monkeypatch.setattr(db_router, "replica_configured", lambda: False)
    with use_replica() as chosen:
        assert chosen is False
        assert ROUTER.db_for_read(Palace) == PRIMARY
    assert asked == []  # and nothing was asked of a replica


def test_the_wish_belongs_to_one_thread(declared):
    inside, release = threading.Event(), threading.Event()
    seen = {}

    def reader():
        with use_replica():
            inside.set()
            release.wait(5)
            seen["reader"] = ROUTER.db_for_read(Palace)

    thread = threading.Thread(target=reader)
    thread.start()
    inside.wait(5)
    seen["other"] = ROUTER.db_for_read(Palace)  # while the reader's block is open
    release.set()
    thread.join(5)
    assert seen == {"reader": REPLICA, "other": PRIMARY}


def test_a_decorated_function_decides_on_each_call(declared):
    @use_replica()
    def where():
        return ROUTER.db_for_read(Palace)

    assert where() == REPLICA
    declared["replayed"] = False
    assert where() == PRIMARY
    assert ROUTER.db_for_read(Palace) == PRIMARY


def test_replica_reads_waits_for_the_persons_last_write(declared):
    request = RequestFactory().get("/", HTTP_COOKIE=f"{db_router.PIN_COOKIE}=0/3000060")
    seen = []
    replica_reads(lambda request: seen.append(ROUTER.db_for_read(Palace)))(request)
    assert declared["asked"] == ["0/3000060"]
    assert seen == [REPLICA]


def test_nothing_is_migrated_on_the_replica():
    assert ROUTER.allow_migrate(PRIMARY, "bookings") is True
    assert ROUTER.allow_migrate(REPLICA, "bookings") is False


# --- With a second alias (DATABASE_TEST_REPLICA=1) -----------------------------------------------

# On SQLite only: a PostgreSQL "replica" mirroring the primary is not in recovery, and the router
# rightly refuses to read from it (tests/integration/test_read_replica.py has a real one).
needs_alias = pytest.mark.skipif(
    os.environ.get("DATABASE_TEST_REPLICA") != "1" or connections["default"].vendor != "sqlite",
    reason="DATABASE_TEST_REPLICA=1 on SQLite declares the alias",
)


@needs_alias
def test_the_router_is_installed_with_the_alias():
    assert REPLICA in connections.settings
    with use_replica():
        assert Palace.objects.all().db == REPLICA
        # select_for_update is a write in Django's eyes: the lock is taken on the primary.
        assert Palace.objects.select_for_update().db == PRIMARY
        assert router.db_for_write(Palace) == PRIMARY


@needs_alias
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_dashboards_and_exports_read_from_the_replica_and_bookings_do_not(world, client):
    client.force_login(world.province_officer)
    replica, primary = connections[REPLICA], connections[PRIMARY]
    pages = [
        reverse("performance:dashboard_province"),
        reverse("performance:dashboard_palace", args=[world.palace_a.pk]),
        reverse("performance:export_province_month", args=["2024-03"]),
        reverse("activities:export_csv", args=[world.palace_a.pk]),
    ]

    for url in pages:
        with (
            CaptureQueriesContext(replica) as on_replica,
            CaptureQueriesContext(primary) as on_primary,
        ):
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(on_replica) > 0, url
        # The primary is asked who is signed in (session, user) and nothing of the page's data.
        assert not any("performance_" in query["sql"] for query in on_primary.captured_queries), url

    # A page that is not a report reads from the primary only.
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get(reverse("bookings:my_bookings")).status_code == 200
    assert len(on_replica) == 0


@pytest.mark.parametrize(
    ("method", "status", "pinned"),
    [("post", 302, True), ("post", 400, False), ("get", 200, False)],
    ids=["successful-write", "refused-write", "read"],
)
def test_a_successful_write_pins_the_person_to_its_wal_position(
    monkeypatch, declared, method, status, pinned
):
    from django.http import HttpResponse

    monkeypatch.setattr(db_router, "primary_lsn", lambda: "0/3000060")
    middleware = db_router.ReplicaPinMiddleware(lambda request: HttpResponse(status=status))
    response = middleware(getattr(RequestFactory(), method)("/"))
    cookie = response.cookies.get(db_router.PIN_COOKIE)
    assert (cookie.value if cookie else None) == ("0/3000060" if pinned else None)
    if pinned:
        assert cookie["httponly"] is True


class _Cursor:
    """A replica connection's cursor that fails or answers as the test says, counting its queries."""

    def __init__(self, state):
        self.state = state

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=None):
        self.state["queries"] += 1
        if self.state["error"] is not None:
            raise self.state["error"]

    def fetchone(self):
        return (True,)


@pytest.fixture
def replica_connection(monkeypatch):
    """`connections["replica"]` replaced by a stand-in whose queries fail while `error` is set."""
    from django.db import OperationalError

    state = {"queries": 0, "error": OperationalError("could not connect"), "closed": 0}

    class Connection:
        vendor = "postgresql"

        def cursor(self):
            return _Cursor(state)

        def close(self):
            state["closed"] += 1

    class Handler(dict):
        def __getitem__(self, alias):
            return Connection() if alias == REPLICA else connections[alias]

    monkeypatch.setattr(db_router, "connections", Handler())
    clock = [1000.0]
    from palace_portal import breaker as breakers

    monkeypatch.setattr(breakers.time, "monotonic", lambda: clock[0])
    db_router.replica_breaker.reset()
    yield state, clock
    db_router.replica_breaker.reset()


def test_a_replica_that_failed_is_not_asked_again_until_the_period_is_over(replica_connection, settings):
    settings.REPLICA_BREAKER_SECONDS = 5
    state, clock = replica_connection
    assert db_router.replica_has_replayed("0/16B3748") is False
    assert state["queries"] == 1
    assert state["closed"] == 1
    # Marked down: the readers go to the primary without waiting on the replica again.
    for _ in range(3):
        assert db_router.replica_has_replayed("0/16B3748") is False
    assert state["queries"] == 1
    # When the period is over one caller probes it; back, it is used again.
    clock[0] += 5.1
    state["error"] = None
    assert db_router.replica_has_replayed("0/16B3748") is True
    assert db_router.replica_has_replayed(None) is True
    assert state["queries"] == 3


def test_a_position_that_is_not_an_lsn_reads_from_the_primary_without_blaming_the_replica(replica_connection):
    state, _clock = replica_connection
    state["error"] = None
    for forged in ("x", "0/16B3748'; SELECT 1", "1/2/3", "0/" + "F" * 9):
        assert db_router.replica_has_replayed(forged) is False
    assert state["queries"] == 0
    assert not db_router.replica_breaker.is_open
    assert db_router.replica_has_replayed("A/1") is True


def test_a_query_error_that_is_not_the_replicas_fault_does_not_mark_it_down(replica_connection):
    from django.db import DataError

    state, _clock = replica_connection
    state["error"] = DataError("invalid input syntax for type pg_lsn")
    assert db_router.replica_has_replayed("0/1") is False
    assert not db_router.replica_breaker.is_open
    state["error"] = None
    assert db_router.replica_has_replayed("0/1") is True
