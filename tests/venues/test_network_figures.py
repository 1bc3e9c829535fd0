"""The demo province reproduces the published figures through the same selector the pages use."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from venues.selectors import network_by_city, network_summary

# Seeds (part of) the demo province: slow, so run by `make test-demo` and CI's demo step.
pytestmark = pytest.mark.demo


@pytest.fixture(autouse=True)
def _network_only(network_demo_only):
    """The network is what these tests look at; the bookings step is tested on its own."""


@pytest.fixture
def demo_province(db):
    call_command("seed_demo", "--today", "2026-11-21", "--seed", "2026", verbosity=0)


def test_network_summary_reproduces_the_published_figures(demo_province):
    summary = network_summary()

    assert summary["palaces_in_service"] == 98
    assert summary["county_level_in_service"] == 83
    assert summary["projects_under_way"] == 24
    assert summary["units"] == 111
    assert round(summary["coverage_rate"] * 100) == 79


def test_network_by_city_adds_up_to_the_province(demo_province):
    rows = network_by_city()
    summary = network_summary(rows)

    assert len(rows) == 11
    assert sum(r.palaces_in_service for r in rows) == summary["palaces_in_service"]
    assert all(Decimal(0) <= r.coverage_rate <= Decimal(1) for r in rows)


def test_network_summary_costs_the_same_queries_for_the_whole_province(
    demo_province, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        network_summary()
