"""The booking grid's reads written once (bookings/selectors.py, venues/selectors.py): they answer
what the ORM queries they replaced answered, and the grid built from them shows each visitor only
their own bookings."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db.models import Prefetch, Q
from django.urls import reverse

from bookings.models import Booking, DutyShift
from bookings.selectors import _overlap_counts, listed_venue, venue_availability_days, venue_calendar
from tests.factories import VenueFactory
from venues import selectors as venue_selectors
from venues.models import Closure, OpeningHours, Venue

from .support import NOW, TODAY, at, shared_venue, write_booking

S = Booking.Status


@pytest.fixture(autouse=True)
def frozen():
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


def test_waits_are_counted_per_slot_as_the_pairwise_count_does():
    randomly = random.Random(13)
    slots = [(at(1, hour), at(1, hour + 1), 1) for hour in range(8, 21)]
    for _ in range(200):
        ranges = []
        for _ in range(randomly.randrange(0, 30)):
            start = at(1, 7) + timedelta(minutes=30 * randomly.randrange(0, 30))
            ranges.append((start, start + timedelta(minutes=30 * randomly.randrange(1, 8))))
        expected = {s: sum(1 for rs, re in ranges if rs < e and s < re) for s, e, _c in slots}
        assert _overlap_counts(slots, ranges) == expected


def test_the_calendar_read_once_is_what_the_orm_reads(world):
    window = VenueFactory(palace=world.palace_a, kind="legal_aid_window")
    other = VenueFactory(palace=world.palace_a, kind="yoga")
    first, last = TODAY, TODAY + timedelta(days=13)
    for start, end, venue in [
        (first - timedelta(days=3), first - timedelta(days=1), None),  # over before the range
        (first, first, None),
        (first + timedelta(days=2), first + timedelta(days=4), window),
        (first + timedelta(days=3), first + timedelta(days=3), other),  # another venue's
        (last, last + timedelta(days=2), None),
        (last + timedelta(days=1), last + timedelta(days=3), window),  # after the range
    ]:
        Closure.objects.create(
            palace=world.palace_a, venue=venue, start_date=start, end_date=end, reason="检修"
        )
    for person, weekday, day in [("甲", 1, None), ("乙", 3, None), ("丙", None, first + timedelta(days=5))]:
        DutyShift.objects.create(
            palace=world.palace_a,
            venue=window,
            person=person,
            weekday=weekday,
            date=day,
            starts=at(0, 9).time(),
            ends=at(0, 12).time(),
        )
    DutyShift.objects.create(
        palace=world.palace_a,
        venue=window,
        person="丁",
        date=last + timedelta(days=7),
        starts=at(0, 9).time(),
        ends=at(0, 12).time(),
    )
    venue = Venue.objects.select_related("palace").get(pk=window.pk)  # nothing prefetched
    calendar = venue_calendar(venue, first, last)
    assert calendar.hours == list(
        OpeningHours.objects.filter(palace=world.palace_a).order_by("weekday", "opens")
    )
    assert calendar.closures == list(
        Closure.objects.filter(palace=world.palace_a, start_date__lte=last, end_date__gte=first)
        .filter(Q(venue__isnull=True) | Q(venue=window))
        .order_by("start_date")
    )
    assert [c.reason for c in calendar.closures] == ["检修"] * 3
    assert sorted(s.person for s in calendar.shifts) == ["丙", "乙", "甲"]
    assert calendar.hours[0].opens == at(0, 9).time()  # times, not text (SQLite)


def test_the_grid_s_own_bookings_are_the_visitor_s_open_ones_only(world):
    venue = world.venue_a
    mine = write_booking(world.worker, venue, at(1, 10))
    waiting = write_booking(world.worker, venue, at(1, 12), status=S.WAITLISTED)
    write_booking(world.worker, venue, at(1, 14), status=S.CANCELLED)
    write_booking(world.worker2, venue, at(1, 16))
    found = venue_availability_days(venue, [TODAY + timedelta(days=1)], now=NOW, user=world.worker)
    assert [(b.pk, b.start, b.end) for b in found.mine] == [
        (mine.pk, at(1, 10), at(1, 11)),
        (waiting.pk, at(1, 12), at(1, 13)),
    ]
    states = {s.start: s.state for s in found.days[TODAY + timedelta(days=1)]}
    assert states[at(1, 10)] == states[at(1, 16)] == "full"  # held whole by a confirmed booking
    assert states[at(1, 12)] == "full"  # a queue
    assert states[at(1, 14)] == "open"  # cancelled
    other = venue_availability_days(venue, [TODAY + timedelta(days=1)], now=NOW, user=world.worker2)
    assert [b.start for b in other.mine] == [at(1, 16)]


def test_a_shared_venue_s_places_come_from_its_counters(world):
    venue = shared_venue(world.palace_a, capacity=3)
    from bookings.services.booking import booking_create

    booking_create(user=world.worker, venue=venue, start=at(1, 10), end=at(1, 11), party_size=2, now=NOW)
    slots = {
        s.start: s
        for s in venue_availability_days(venue, [TODAY + timedelta(days=1)], now=NOW).days[
            TODAY + timedelta(days=1)
        ]
    }
    assert (slots[at(1, 10)].taken, slots[at(1, 10)].available) == (2, 1)
    assert slots[at(1, 11)].taken == 0


def test_the_venue_page_s_read_is_what_the_orm_reads(world, django_assert_num_queries):
    Closure.objects.create(palace=world.palace_a, start_date=TODAY, end_date=TODAY, reason="全馆检修")
    Closure.objects.create(
        palace=world.palace_a,
        venue=world.venue_a,
        start_date=TODAY,
        end_date=TODAY + timedelta(days=1),
        reason="换灯",
    )
    other = VenueFactory(palace=world.palace_a, kind="yoga", name="瑜伽室")
    Closure.objects.create(
        palace=world.palace_a, venue=other, start_date=TODAY, end_date=TODAY, reason="地板"
    )
    Closure.objects.create(
        palace=world.palace_a,
        start_date=TODAY - timedelta(days=5),
        end_date=TODAY - timedelta(days=1),
        reason="过去",
    )
    with django_assert_num_queries(3):
        venue = venue_selectors.venue_detail(world.venue_a.pk)
    orm = (
        Venue.objects.select_related("palace", "palace__region", "palace__region__parent")
        .prefetch_related(
            Prefetch("palace__opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
            Prefetch(
                "palace__closures",
                queryset=Closure.objects.filter(end_date__gte=TODAY)
                .select_related("venue")
                .order_by("start_date", "end_date", "pk"),
                to_attr="upcoming_closures",
            ),
        )
        .get(pk=world.venue_a.pk)
    )
    with django_assert_num_queries(0):
        for mine, theirs in (
            (venue, orm),
            (venue.palace, orm.palace),
            (venue.palace.region, orm.palace.region),
        ):
            assert _values(mine) == _values(theirs)
        assert venue.palace.region.parent == orm.palace.region.parent == world.city1.parent
        assert list(venue.palace.opening_hours.all()) == list(orm.palace.opening_hours.all())
        assert [(c.pk, c.reason, c.venue and c.venue.name) for c in venue.palace.upcoming_closures] == [
            (c.pk, c.reason, c.venue and c.venue.name) for c in orm.palace.upcoming_closures
        ]
        assert not hasattr(
            venue, "booking_rule"
        )  # none saved yet: the page makes it with the kind's defaults


def _values(instance) -> list:
    return [getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields]


@pytest.mark.parametrize("pk", [2**63, 2**70])
def test_an_id_past_64_bits_is_no_venue(world, client, pk):
    assert listed_venue(pk) is None
    assert client.get(reverse("bookings:availability", args=[pk]), HTTP_HX_REQUEST="true").status_code == 404
    assert client.get(reverse("bookings:venue_book", args=[pk])).status_code == 404
