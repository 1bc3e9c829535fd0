"""The monthly aggregation (`ledger_aggregate_month`) against an independent count of the raw rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import Activity
from palace_portal.errors import InvalidInput
from performance.ledgers.metrics import CODES, HEADLINE, METRICS, Rule, metric
from performance.ledgers.models import Ledger, LedgerFigure
from performance.ledgers.selectors import figures_for, ledger_figures
from performance.ledgers.services import ledger_aggregate_month, ledger_aggregate_months
from tests.factories import OpeningHoursFactory, PalaceFactory
from tests.performance.ledger_world import MONTH, NOW, build, expected

pytestmark = pytest.mark.django_db
Q4 = Decimal("0.0001")


def stored(palace, month=MONTH) -> dict[str, Decimal]:
    return {f.metric: f.value for f in LedgerFigure.objects.filter(palace=palace, month=month) if f.value}


def quantized(figures: dict) -> dict:
    return {code: Decimal(value).quantize(Q4) for code, value in figures.items()}


def test_it_has_every_metric_the_api_promises_with_a_summing_rule():
    promised = {
        "activities", "person_times", "online_viewers", "bookings", "no_shows", "booked_hours",
        "open_hours", "utilisation", "enrolments", "sessions", "attendance", "ratings", "rating_avg",
    }  # fmt: skip
    assert promised <= set(CODES)
    assert set(HEADLINE) == promised
    assert metric("utilisation").rule == Rule.RATIO
    assert (metric("utilisation").numerator, metric("utilisation").denominator) == (
        "booked_hours",
        "open_hours",
    )
    assert metric("rating_avg").rule == Rule.AVG_WEIGHTED
    assert metric("online_viewers_max").rule == Rule.MAX
    for entry in METRICS:
        assert str(entry.name), entry.code
        assert str(entry.unit_label), entry.code
        assert str(entry.source), entry.code
        for code in entry.inputs:
            assert code in CODES, entry.code
            assert not metric(code).is_derived, entry.code


def test_it_counts_every_metric_as_the_raw_rows_say(world):
    records = build(world)

    result = ledger_aggregate_month(month=MONTH, now=NOW)

    for palace in (world.palace_a, world.palace_b):
        want = quantized(expected(records, palace))
        assert stored(palace) == want, palace.name
    # The world covers most of the catalogue, so a metric left at zero by mistake would show.
    covered = set(expected(records, world.palace_a)) | set(expected(records, world.palace_b))
    assert len(covered) >= 60
    assert result.ledgers == 2
    assert result.month == MONTH


def test_it_records_when_and_from_how_many_rows(world):
    build(world)

    result = ledger_aggregate_month(month=MONTH, now=NOW)

    ledger = Ledger.objects.get(palace=world.palace_b, month=MONTH)
    assert ledger.computed_at == NOW
    # B's March rows: 2 activities, 1 session, 1 attendance, 2 sign-ups, 5 venue bookings,
    # 1 rating, 1 wish proposed + 1 answered, 1 approval, 1 subsidy granted.
    assert ledger.source_rows == 2 + 1 + 1 + 2 + 5 + 1 + 2 + 1 + 1
    assert result.source_rows == sum(Ledger.objects.filter(month=MONTH).values_list("source_rows", flat=True))


def test_the_selectors_derive_ratios_from_their_inputs_not_an_average_of_ratios(world):
    build(world)
    ledger_aggregate_month(month=MONTH, now=NOW)
    a = expected_a = figures_for([world.palace_a.pk], [MONTH])[world.palace_a.pk]
    b = figures_for([world.palace_b.pk], [MONTH])[world.palace_b.pk]

    both = figures_for(None, [MONTH], ["utilisation", "booked_hours", "open_hours", "rating_avg"])

    total = figures_for([world.palace_a.pk, world.palace_b.pk], [MONTH])
    assert set(both) == {world.palace_a.pk, world.palace_b.pk}
    assert total[world.palace_a.pk] == expected_a
    from performance.ledgers.selectors import province_totals

    province = province_totals([MONTH], ["utilisation", "booked_hours", "open_hours", "rating_avg"])
    booked = a["booked_hours"] + b["booked_hours"]
    opened = a["open_hours"] + b["open_hours"]
    assert province["utilisation"] == (booked * 100 / opened).quantize(Decimal("0.01"))
    assert province["utilisation"] != ((a["utilisation"] + b["utilisation"]) / 2).quantize(Decimal("0.01"))
    # 5 + 2 stars on A, 4 on B: (5 + 2 + 4) / 3, not the mean of A's 3.5 and B's 4.
    assert province["rating_avg"] == Decimal("3.67")


def test_a_rerun_replaces_the_month_exactly(world):
    build(world)
    ledger_aggregate_month(month=MONTH, now=NOW)
    first = list(LedgerFigure.objects.order_by("ledger", "metric").values_list("ledger", "metric", "value"))
    ledgers = list(Ledger.objects.order_by("pk").values_list("pk", "palace", "month"))

    ledger_aggregate_month(month=MONTH, now=NOW)

    assert (
        list(LedgerFigure.objects.order_by("ledger", "metric").values_list("ledger", "metric", "value"))
        == first
    )
    assert list(Ledger.objects.order_by("pk").values_list("pk", "palace", "month")) == ledgers


def test_late_rows_appear_on_the_next_run_and_removed_ones_drop_to_zero(world):
    records = build(world)
    ledger_aggregate_month(month=MONTH, now=NOW)
    Activity.objects.create(
        palace=world.palace_b,
        title="迟报的讲座",
        kind="lecture",
        centre="education",
        date=date(2026, 3, 30),
        participants=45,
    )
    Activity.objects.filter(palace=world.palace_b, kind="job_fair").delete()

    ledger_aggregate_month(month=MONTH, now=NOW)

    figures = figures_for([world.palace_b.pk], [MONTH])[world.palace_b.pk]
    before = expected(records, world.palace_b)
    assert figures["activities"] == before["activities"]  # one in, one out
    assert figures["person_times"] == before["person_times"] - 200 + 45
    assert figures["activities_kind_job_fair"] == 0
    assert figures["online_viewers"] == 0
    assert not LedgerFigure.objects.filter(palace=world.palace_b, metric="activities_kind_job_fair").exists()


def test_an_accepted_month_keeps_its_snapshot_and_gets_the_latest_value(world):
    build(world)
    ledger_aggregate_month(month=MONTH, now=NOW)
    ledger = Ledger.objects.get(palace=world.palace_a, month=MONTH)
    # What perf-workflow does on acceptance: the status, and the snapshot of every figure.
    Ledger.objects.filter(pk=ledger.pk).update(status=Ledger.Status.ACCEPTED)
    LedgerFigure.objects.filter(ledger=ledger).update(locked_value=models_f("value"))
    Activity.objects.create(
        palace=world.palace_a,
        title="迟报",
        kind="mixer",
        centre="culture",
        date=date(2026, 3, 29),
        participants=60,
    )
    Activity.objects.filter(palace=world.palace_a, kind="livestream").delete()

    ledger_aggregate_month(month=MONTH, now=NOW)

    rows = {f.metric: f for f in LedgerFigure.objects.filter(ledger=ledger)}
    assert rows["activities"].locked_value == 5  # 5 − 1 + 1
    assert rows["activities"].value == 5
    assert rows["person_times"].locked_value == 535
    assert rows["person_times"].value == 575
    # A figure that dropped to 0 keeps its row (and snapshot); a new one is 0 in the snapshot.
    assert rows["online_viewers"].value == 0
    assert rows["online_viewers"].locked_value == 171_800
    assert rows["activities_kind_mixer"].value == 1
    assert rows["activities_kind_mixer"].locked_value == 0
    official = ledger_figures([ledger])[ledger.pk]
    assert official["person_times"] == 535
    assert official["activities_kind_mixer"] == 0


def models_f(name):
    from django.db.models import F

    return F(name)


def test_a_run_that_fails_half_way_leaves_the_previous_figures(world, monkeypatch):
    build(world)
    ledger_aggregate_month(month=MONTH, now=NOW)
    before = list(LedgerFigure.objects.order_by("pk").values_list("pk", "metric", "value"))
    stamps = list(Ledger.objects.order_by("pk").values_list("computed_at", "source_rows"))
    Activity.objects.filter(palace=world.palace_a).delete()

    from performance.ledgers import writing

    def crash(**kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(writing, "figures_insert", crash)  # after the old rows were deleted
    with pytest.raises(RuntimeError):
        ledger_aggregate_month(month=MONTH, now=NOW)

    assert list(LedgerFigure.objects.order_by("pk").values_list("pk", "metric", "value")) == before
    assert list(Ledger.objects.order_by("pk").values_list("computed_at", "source_rows")) == stamps


def test_one_palace_can_be_recomputed_alone(world):
    build(world)
    ledger_aggregate_month(month=MONTH, now=NOW)
    b_before = stored(world.palace_b)
    Activity.objects.all().delete()

    result = ledger_aggregate_month(month=MONTH, palace_ids=[world.palace_a.pk], now=NOW)

    assert result.ledgers == 1
    assert "activities" not in stored(world.palace_a)
    assert stored(world.palace_b) == b_before


def test_many_months_at_once_equal_month_by_month(world):
    records = build(world)
    february = date(2026, 2, 1)

    ledger_aggregate_months(first=february, last=date(2026, 4, 1), now=NOW)

    assert stored(world.palace_a) == quantized(expected(records, world.palace_a))
    assert stored(world.palace_a, february) == quantized(expected(records, world.palace_a, february))
    assert stored(world.palace_b, date(2026, 4, 1)) == quantized(
        expected(records, world.palace_b, date(2026, 4, 1))
    )


def test_palaces_in_service_get_a_ledger_even_without_rows(world):
    quiet = PalaceFactory(region=world.county1)
    planned = PalaceFactory(region=world.county1, status="planned")

    ledger_aggregate_month(month=MONTH, now=NOW)

    assert Ledger.objects.filter(palace=quiet, month=MONTH, source_rows=0).exists()
    assert not Ledger.objects.filter(palace=planned).exists()


def test_a_month_outside_the_accepted_years_is_refused(db):
    with pytest.raises(InvalidInput):
        ledger_aggregate_month(month=date(1999, 12, 1))
    with pytest.raises(InvalidInput):
        ledger_aggregate_months(first=date(2026, 3, 1), last=date(2026, 1, 1))


def test_the_province_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    build(world)
    for n in range(30):  # enough palaces that one query per palace would show
        palace = PalaceFactory(region=world.county1, name=f"测试宫{n}")
        OpeningHoursFactory(palace=palace, weekday=n % 7, opens="09:00", closes="17:00")
        Activity.objects.create(
            palace=palace, title="讲座", kind="lecture", centre="education", date=MONTH, participants=n
        )

    with CaptureQueriesContext(connection) as first:
        ledger_aggregate_month(month=MONTH, now=NOW)
    # A few grouped queries per source, never one per palace (employment brought three;
    # innovation, legal help and teams five each; the dashboards' rollups four, five with
    # PostgreSQL's lock).
    with django_assert_max_num_queries(47):
        ledger_aggregate_month(month=MONTH, now=NOW)

    assert len(first.captured_queries) <= 49
    assert Ledger.objects.filter(month=MONTH).count() == 32
