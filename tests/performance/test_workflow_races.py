"""Two reviewers acting on one ledger at once: the row lock serves them one after the other.

Threads with their own connections, on PostgreSQL (CI's integration step): SQLite's in-memory test
database is shared by the threads and locks whole tables, which says nothing of production."""

import threading

import pytest
from django.db import connection

from palace_portal.errors import PortalError
from performance.models import Ledger, LedgerStep
from performance.workflow import services
from tests.performance.workflow_support import make_ledger

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            call()
            outcomes[index] = "done"
        except PortalError as error:
            outcomes[index] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def submitted(world):
    if connection.vendor != "postgresql":
        pytest.skip("a race of connections needs PostgreSQL")
    ledger = make_ledger(world.palace_a)
    return services.ledger_submit(actor=world.manager_a, ledger=ledger)


def test_a_return_and_an_acceptance_at_once_leave_one_consistent_outcome(world, submitted):
    outcomes = race(
        lambda: services.ledger_return(actor=world.city_officer, ledger=submitted, reason="人次存疑"),
        lambda: services.ledger_accept(actor=world.province_officer, ledger=submitted),
    )
    ledger = Ledger.objects.get(pk=submitted.pk)
    steps = list(LedgerStep.objects.filter(ledger=ledger).values_list("action", flat=True))
    if outcomes == ["done", "ledger_not_submitted"]:
        assert ledger.status == "returned"
        assert steps == ["submitted", "returned"]
    else:
        assert outcomes == ["ledger_not_submitted", "done"]
        assert ledger.status == "accepted"
        assert steps == ["submitted", "accepted"]


def test_two_city_acceptances_at_once_record_one(world, submitted):
    outcomes = race(
        lambda: services.ledger_accept(actor=world.city_officer, ledger=submitted),
        lambda: services.ledger_accept(actor=world.city_officer, ledger=submitted),
    )
    assert sorted(outcomes) == ["already_city_accepted", "done"]
    assert LedgerStep.objects.filter(action="city_accepted").count() == 1


def test_two_provincial_acceptances_at_once_record_one(world, submitted):
    outcomes = race(
        lambda: services.ledger_accept(actor=world.province_officer, ledger=submitted),
        lambda: services.ledger_accept(actor=world.province_officer, ledger=submitted),
    )
    assert sorted(outcomes) == ["done", "ledger_not_submitted"]
    assert LedgerStep.objects.filter(action="accepted").count() == 1
