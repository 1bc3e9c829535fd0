"""The demo bookings: realistic, and every row one the booking services could have written.

The demo is seeded once for the module (it takes seconds) and read by every test; the test that
reseeds does so inside its own transaction, which is rolled back.
"""

import time as clock
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

import activities.demo
from bookings.access import may_decide_suspension
from bookings.demo import DEMO_HOUR, POOL_PHONE_PREFIX, POOL_SIZE
from bookings.models import (
    Appeal,
    AppointmentMatter,
    Booking,
    BookingRule,
    DutyShift,
    MatterRead,
    SlotCounter,
    Suspension,
)
from bookings.rules import rule_defaults, window_last_date
from bookings.services import CODE_ALPHABET, suspension_in_force
from palace_portal.users.models import User
from venues.demo.accounts import DEMO_PALACE_NAME
from venues.demo.builder import collect_steps, wipe
from venues.kinds import BookingMode
from venues.models import Closure, OpeningHours, Palace, Venue
from venues.selectors import venue_slots

# Seeds (part of) the demo province: slow, so run by `make test-demo` and CI's demo step.
pytestmark = pytest.mark.demo

ANCHOR = date(2026, 11, 21)
NOW = timezone.make_aware(datetime.combine(ANCHOR, DEMO_HOUR))
Status = Booking.Status
# What takes a slot's places: the holding statuses, and no-shows (marking one releases nothing).
TAKES = (*Booking.HOLDING, Status.NO_SHOW)
PAST_STATUSES = {Status.CHECKED_IN, Status.NO_SHOW, Status.CANCELLED, Status.DECLINED}
FUTURE_STATUSES = {Status.CONFIRMED, Status.CANCELLED, Status.WAITLISTED, Status.PENDING, Status.DECLINED}


def seed(*args: str) -> None:
    call_command("seed_demo", "--today", ANCHOR.isoformat(), *args, verbosity=0, stdout=StringIO())


@pytest.fixture(scope="module")
def demo(request, django_db_setup, django_db_blocker):
    # Without the activities steps (the ledger; classes, whose sign-ups are bookings too): they have
    # their own tests (tests/activities/test_demo_*.py).
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(activities.demo, "DEMO_STEPS", [])
        started = clock.perf_counter()
        seed()
        elapsed = clock.perf_counter() - started
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print(  # the seed time is worth seeing in every run
                f"\nseed_demo on {connection.vendor}: {elapsed:.1f} s, "
                f"{Booking.objects.count()} bookings, {SlotCounter.objects.count()} slot counters"
            )
        yield SimpleNamespace(
            palace=Palace.objects.get(name=DEMO_PALACE_NAME),
            worker=User.objects.get(phone="13800000001"),
            non_member=User.objects.get(phone="13800000002"),
            staff=User.objects.get(phone="13800000003"),
        )
        with transaction.atomic():
            wipe(collect_steps())


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def rules_by_venue() -> dict[int, BookingRule]:
    return {r.venue_id: r for r in BookingRule.objects.all()}


def fingerprint() -> list:
    def rows(qs, order, *fields):
        return list(qs.order_by(*order).values_list(*fields))

    return [
        rows(
            Booking.objects, ("check_in_code",),
            "check_in_code", "venue__palace__name", "venue__name", "user__phone", "status", "start", "end",
            "party_size", "created_at", "checked_in_at", "cancelled_at", "decided_at", "purpose",
            "organisation", "decision_reason", "duty_shift__person",
        ),
        rows(
            SlotCounter.objects, ("venue__palace__name", "venue__name", "start"),
            "venue__name", "start", "capacity", "taken",
        ),
        rows(AppointmentMatter.objects, ("booking__check_in_code",), "booking__check_in_code", "text"),
        rows(
            DutyShift.objects, ("venue__palace__name", "venue__name", "person", "weekday", "date"),
            "venue__name", "person", "role", "weekday", "date", "starts", "ends",
        ),
        rows(
            User.objects.filter(phone__startswith=POOL_PHONE_PREFIX), ("phone",),
            "phone", "real_name", "membership_number",
        ),
        rows(Suspension.objects, ("user__phone",), "user__phone", "starts_at", "ends_at", "reason"),
    ]  # fmt: skip


# --- Rules and rosters -----------------------------------------------------------------------------


def test_demo_gives_every_active_venue_a_rule_with_its_kinds_defaults(demo, db):
    rules = rules_by_venue()
    venues = list(Venue.objects.filter(is_active=True))

    assert len(venues) > 500
    assert set(rules) == {v.pk for v in venues}
    for venue in venues:
        rule = rules[venue.pk]
        assert rule.palace_id == venue.palace_id
        for name, value in rule_defaults(venue).items():
            assert getattr(rule, name) == value, (venue.kind, name)


def test_demo_keeps_a_duty_roster_for_every_service_window(demo, db):
    windows = Venue.objects.filter(is_active=True, booking_mode=BookingMode.APPOINTMENT)
    shifts = defaultdict(list)
    for shift in DutyShift.objects.all():
        shifts[shift.venue_id].append(shift)

    assert all(shifts[w.pk] for w in windows)
    legal = [s for w in windows.filter(kind="legal_aid_window") for s in shifts[w.pk]]
    assert {s.role for s in legal} == {"律师"}
    assert all(s.person.endswith("律师") or s.date is not None for s in legal)
    assert any(s.weekday == 1 and s.starts == time(14) and s.ends == time(17) for s in legal)
    employment = [s for w in windows.filter(kind="employment_window") for s in shifts[w.pk]]
    assert all(s.weekday in range(5) for s in employment)
    # Weekday mornings, wherever the palace is open in the morning that day.
    hours = defaultdict(list)
    for h in OpeningHours.objects.all():
        hours[(h.palace_id, h.weekday)].append(h)
    mornings = [
        s
        for s in employment
        if any(h.opens <= time(9) and time(12) <= h.closes for h in hours[(s.palace_id, s.weekday)])
    ]
    assert len(mornings) > 20
    assert all((s.starts, s.ends) == (time(9), time(12)) for s in mornings)
    for venue_shifts in shifts.values():
        for s in venue_shifts:
            assert s.palace_id == s.venue.palace_id
            assert s.starts < s.ends
            # The same person is never on duty twice at once at one window.
            assert not [
                o
                for o in venue_shifts
                if o is not s
                and o.person == s.person
                and (o.weekday, o.date) == (s.weekday, s.date)
                and o.starts < s.ends
                and s.starts < o.ends
            ]
    assert DutyShift.objects.filter(date__isnull=False, palace=demo.palace).exists()


# --- Capacity --------------------------------------------------------------------------------------


def test_demo_never_holds_overlapping_bookings_of_an_exclusive_venue(demo, db):
    held = Booking.objects.filter(exclusive=True, status__in=TAKES).order_by("venue_id", "start")
    previous = None
    count = 0
    for venue_id, start, end in held.values_list("venue_id", "start", "end"):
        if previous is not None and previous[0] == venue_id:
            assert previous[1] <= start, (venue_id, start)
        previous = (venue_id, end)
        count += 1

    assert count > 3000
    assert (
        not Booking.objects.filter(exclusive=True)
        .exclude(mode__in=[BookingMode.EXCLUSIVE, BookingMode.REQUEST])
        .exists()
    )
    assert not Booking.objects.filter(
        exclusive=False, mode__in=[BookingMode.EXCLUSIVE, BookingMode.REQUEST]
    ).exists()


def test_demo_slot_counters_hold_exactly_the_places_of_their_bookings(demo, db):
    places = Counter()
    for venue_id, start, status, party in Booking.objects.filter(exclusive=False).values_list(
        "venue_id", "start", "status", "party_size"
    ):
        if status in TAKES:
            places[(venue_id, start)] += party
    counters = {(c.venue_id, c.start): c for c in SlotCounter.objects.select_related("venue")}

    assert len(counters) > 2000
    assert set(places) <= set(counters)
    for key, counter in counters.items():
        assert counter.taken == places.get(key, 0), key
        assert counter.taken <= counter.capacity
        assert counter.palace_id == counter.venue.palace_id
        if counter.venue.booking_mode == BookingMode.SHARED:
            assert counter.capacity == counter.venue.capacity
            assert counter.end - counter.start == timedelta(minutes=counter.venue.slot_minutes)
    assert any(
        c.taken == c.capacity and c.venue.booking_mode == BookingMode.SHARED for c in counters.values()
    )


def test_demo_bookings_lie_on_the_slots_of_open_days(demo, db):
    hours, closures, shifts = defaultdict(list), defaultdict(list), defaultdict(list)
    for h in OpeningHours.objects.all():
        hours[h.palace_id].append(h)
    for c in Closure.objects.all():
        closures[c.palace_id].append(c)
    for s in DutyShift.objects.all():
        shifts[s.venue_id].append(s)
    rules = rules_by_venue()
    venues = {v.pk: v for v in Venue.objects.select_related("palace")}
    counters = {(c.venue_id, c.start): c for c in SlotCounter.objects.all()}
    slots_of = {}

    for booking in Booking.objects.all():
        venue = venues[booking.venue_id]
        day = local(booking.start).date()
        assert booking.local_date == day
        assert booking.palace_id == venue.palace_id
        assert (booking.mode, booking.fee) == (venue.booking_mode, venue.fee)
        if (venue.pk, day) not in slots_of:
            slots_of[(venue.pk, day)] = {
                s.start: s.end
                for s in venue_slots(
                    venue, day, hours=hours[venue.palace_id], closures=closures[venue.palace_id]
                )
            }
        slots = slots_of[(venue.pk, day)]
        covered, cursor = 0, booking.start
        while cursor < booking.end:
            assert cursor in slots, (venue.name, booking.start)
            cursor, covered = slots[cursor], covered + 1
        assert cursor == booking.end
        one_slot = venue.booking_mode in (BookingMode.SHARED, BookingMode.APPOINTMENT)
        assert covered <= (1 if one_slot else rules[venue.pk].max_slots)
        rule = rules[venue.pk]
        assert rule.min_party <= booking.party_size <= rule.max_party
        if venue.booking_mode == BookingMode.APPOINTMENT:
            begins, ends = local(booking.start).time(), local(booking.end).time()
            on_duty = [
                s
                for s in shifts[venue.pk]
                if (s.date == day or (s.date is None and s.weekday == day.weekday()))
                and s.starts <= begins
                and ends <= s.ends
            ]
            assert on_duty, (venue.name, booking.start)
            if booking.status != Status.WAITLISTED:
                assert counters[(venue.pk, booking.start)].capacity == len(on_duty)
            if booking.duty_shift_id is not None:
                assert booking.duty_shift_id in {s.pk for s in on_duty}


def test_demo_appointments_state_their_matter_and_only_appointments_do(demo, db):
    appointments = Booking.objects.filter(mode=BookingMode.APPOINTMENT)
    matters = AppointmentMatter.objects.select_related("booking")

    assert appointments.count() > 500
    assert matters.count() == appointments.count()
    assert all(m.text.strip() and m.palace_id == m.booking.palace_id for m in matters)
    assert not matters.exclude(booking__mode=BookingMode.APPOINTMENT).exists()
    assert matters.filter(text="咨询劳动合同续签问题").exists()
    reads = MatterRead.objects.select_related("matter__booking", "reader")
    assert reads.exists()
    assert all(r.reader == demo.staff and r.matter.booking.palace_id == demo.palace.pk for r in reads)


# --- Codes, times and states -----------------------------------------------------------------------


def test_demo_check_in_codes_are_unique_and_use_the_services_alphabet(demo, db):
    codes = list(Booking.objects.values_list("check_in_code", flat=True))

    assert len(codes) == len(set(codes))
    assert all(len(code) == 8 and set(code) <= set(CODE_ALPHABET) for code in codes)


def test_demo_timestamps_follow_each_bookings_story(demo, db):
    rules = rules_by_venue()
    for b in Booking.objects.all():
        rule = rules[b.venue_id]
        assert b.created_at < b.start
        assert b.created_at < NOW
        assert b.local_date <= window_last_date(rule, b.created_at), "booked before the day opened"
        if b.status == Status.CHECKED_IN:
            assert b.start - timedelta(minutes=rule.checkin_opens_minutes) <= b.checked_in_at
            assert b.checked_in_at <= b.start + timedelta(minutes=rule.checkin_closes_minutes)
            assert b.checked_in_at > b.created_at
        else:
            assert b.checked_in_at is None
        if b.status == Status.CANCELLED:
            assert b.created_at < b.cancelled_at <= b.start - timedelta(minutes=rule.cancel_deadline_minutes)
            assert b.cancelled_at <= NOW
        else:
            assert b.cancelled_at is None
        if b.decided_at is not None:
            assert b.mode == BookingMode.REQUEST
            assert b.created_at < b.decided_at <= min(b.start, NOW)
        if b.status == Status.DECLINED:
            assert b.decision_reason
            assert b.decided_at
        assert b.offer_expires_at is None


def test_demo_statuses_match_the_demo_clock(demo, db):
    past = Counter(Booking.objects.filter(start__lt=NOW).values_list("status", flat=True))
    future = Counter(Booking.objects.filter(start__gte=NOW).values_list("status", flat=True))

    assert set(past) <= PAST_STATUSES
    assert set(future) <= FUTURE_STATUSES
    total_past = sum(past.values())
    assert past[Status.CHECKED_IN] > 0.75 * total_past
    assert 0.02 * total_past < past[Status.NO_SHOW] < 0.08 * total_past
    assert past[Status.CANCELLED] > 0.05 * total_past
    assert future[Status.CONFIRMED] > 1000
    assert future[Status.WAITLISTED]
    assert future[Status.PENDING]
    assert future[Status.CANCELLED]
    history = Booking.objects.filter(start__lt=NOW).order_by("start").first().local_date
    assert 21 <= (ANCHOR - history).days <= 56


def test_demo_bookers_keep_within_the_per_person_limits(demo, db):
    rules = rules_by_venue()
    by_user = defaultdict(list)
    for b in Booking.objects.select_related("user"):
        by_user[b.user_id].append(b)

    member_only = set(Venue.objects.filter(member_only=True).values_list("pk", flat=True))
    for user_bookings in by_user.values():
        user = user_bookings[0].user
        active = [b for b in user_bookings if b.status in Booking.ACTIVE and b.end > NOW]
        counted_in_week = [b for b in user_bookings if b.status in (*Booking.ACTIVE, Status.CHECKED_IN)]
        for b in active:
            rule = rules[b.venue_id]
            assert len(active) <= rule.max_active
            assert sum(1 for o in active if o.local_date == b.local_date) <= rule.max_per_day
        for b in counted_in_week:
            monday = b.local_date - timedelta(days=b.local_date.weekday())
            in_week = [o for o in counted_in_week if monday <= o.local_date < monday + timedelta(days=7)]
            assert len(in_week) <= rules[b.venue_id].max_per_week
        opened = [b for b in user_bookings if b.status in Booking.OPEN]
        for b in opened:
            assert not [
                o
                for o in opened
                if o is not b and o.venue_id == b.venue_id and o.start < b.end and b.start < o.end
            ]
        if any(b.venue_id in member_only for b in user_bookings):
            assert user.is_member
    assert Booking.objects.filter(venue__member_only=True).exists()


def test_demo_waitlists_queue_behind_full_slots(demo, db):
    waiting = list(Booking.objects.filter(status=Status.WAITLISTED).select_related("venue"))

    assert len(waiting) >= 30
    assert {b.mode for b in waiting} == {BookingMode.EXCLUSIVE, BookingMode.SHARED}
    counters = {(c.venue_id, c.start): c for c in SlotCounter.objects.all()}
    for w in waiting:
        assert w.start >= NOW
        holders = Booking.objects.filter(
            venue_id=w.venue_id, status__in=Booking.HOLDING, start__lt=w.end, end__gt=w.start
        )
        assert holders.exists()
        if w.exclusive:
            assert w.party_size <= w.venue.capacity
        else:
            counter = counters[(w.venue_id, w.start)]
            assert counter.taken + w.party_size > counter.capacity, "a place was free"
        # Nobody joins ahead of the queue: every place was taken before the first waited.
        assert not holders.filter(created_at__gte=w.created_at).exists()
    full_kinds = {b.venue.kind for b in waiting}
    assert full_kinds & {"badminton", "basketball"}
    assert full_kinds & {"gym", "swimming_pool"}


def test_demo_evenings_and_weekends_are_busier_than_weekday_mornings(demo, db):
    by_hour = Counter()
    weekend_days, weekday_days = Counter(), Counter()
    for start, day in Booking.objects.exclude(status=Status.CANCELLED).values_list("start", "local_date"):
        hour = local(start).hour
        if day.weekday() < 5:
            by_hour["evening" if 18 <= hour < 21 else "morning" if 9 <= hour < 12 else "other"] += 1
            if 9 <= hour < 18:
                weekday_days[day] += 1
        elif 9 <= hour < 18:
            weekend_days[day] += 1

    assert by_hour["evening"] > 2 * by_hour["morning"]
    per_weekend_day = sum(weekend_days.values()) / len(weekend_days)
    per_weekday = sum(weekday_days.values()) / len(weekday_days)
    assert per_weekend_day > 1.5 * per_weekday


def test_demo_popular_venues_are_full_at_peak_times_in_the_coming_days(demo, db):
    soon = NOW + timedelta(days=3)
    courts = Booking.objects.filter(
        venue__kind="badminton",
        status=Status.CONFIRMED,
        start__gte=NOW,
        start__lt=soon,
        venue__palace=demo.palace,
    )
    evening_hours = [local(s).hour for s in courts.values_list("start", flat=True)]

    assert sum(1 for h in evening_hours if h >= 18) >= 3
    full_gyms = SlotCounter.objects.filter(
        venue__kind__in=["gym", "swimming_pool"], start__gte=NOW, start__lt=soon, taken=F("capacity")
    )
    assert full_gyms.exists()


# --- Demo accounts, no-shows, suspensions ------------------------------------------------------


def test_demo_worker_has_bookings_in_every_state(demo, db):
    mine = Booking.objects.filter(user=demo.worker)
    upcoming = mine.filter(status=Status.CONFIRMED, start__gte=NOW)

    assert upcoming.count() >= 2
    assert mine.filter(status__in=Booking.ACTIVE, end__gt=NOW).count() < 3, "room for one more booking"
    assert all(b.check_in_code for b in upcoming)
    assert upcoming.filter(palace=demo.palace).exists()
    assert mine.filter(status=Status.WAITLISTED, start__gte=NOW).count() == 1
    assert mine.filter(status=Status.CHECKED_IN, start__lt=NOW).count() >= 3
    assert mine.filter(status=Status.NO_SHOW).count() == 1
    assert mine.filter(status=Status.CANCELLED).exists()
    assert mine.filter(mode=BookingMode.APPOINTMENT, matter__text="咨询劳动合同续签问题").exists()
    assert not Suspension.objects.filter(user=demo.worker).exists()
    checked_in_here = Booking.objects.filter(status=Status.CHECKED_IN, palace=demo.palace)
    assert set(checked_in_here.values_list("checked_in_by", flat=True)) == {demo.staff.pk}


def test_demo_non_member_is_one_no_show_from_a_suspension(demo, db):
    mine = Booking.objects.filter(user=demo.non_member)
    window = NOW - timedelta(days=settings.BOOKING_NO_SHOW_WINDOW_DAYS)

    assert mine.filter(status=Status.NO_SHOW, start__gte=window).count() == settings.BOOKING_NO_SHOW_LIMIT - 1
    assert mine.filter(status=Status.CONFIRMED, start__gte=NOW).exists()
    assert not mine.filter(venue__member_only=True).exists()
    assert not Suspension.objects.filter(user=demo.non_member).exists()


def test_demo_suspends_one_worker_who_has_appealed(demo, db):
    suspension = Suspension.objects.get()
    no_shows = list(suspension.no_shows.all())

    assert suspension_in_force(suspension.user, now=NOW) == suspension
    assert suspension.user.phone.startswith(POOL_PHONE_PREFIX)
    assert len(no_shows) == settings.BOOKING_NO_SHOW_LIMIT
    assert all(b.status == Status.NO_SHOW and b.user_id == suspension.user_id for b in no_shows)
    assert max(b.start for b in no_shows) < suspension.starts_at
    assert min(b.start for b in no_shows) >= suspension.starts_at - timedelta(
        days=settings.BOOKING_NO_SHOW_WINDOW_DAYS
    )
    assert suspension.ends_at - suspension.starts_at == timedelta(days=settings.BOOKING_SUSPENSION_DAYS)
    assert suspension.appeal.status == Appeal.Status.OPEN
    assert suspension.starts_at < suspension.appeal.created_at < NOW
    assert may_decide_suspension(demo.staff, suspension)
    assert not Booking.objects.filter(user=suspension.user, created_at__gte=suspension.starts_at).exists()


def test_demo_no_worker_reaches_the_no_show_limit_without_a_suspension(demo, db):
    punished = set(Suspension.no_shows.through.objects.values_list("booking_id", flat=True))
    by_user = defaultdict(list)
    for pk, user_id, start in Booking.objects.filter(status=Status.NO_SHOW).values_list(
        "pk", "user_id", "start"
    ):
        if pk not in punished:
            by_user[user_id].append(start)

    limit, window = settings.BOOKING_NO_SHOW_LIMIT, timedelta(days=settings.BOOKING_NO_SHOW_WINDOW_DAYS)
    assert by_user
    for starts in by_user.values():
        starts.sort()
        for i in range(len(starts) - limit + 1):
            assert starts[i + limit - 1] - starts[i] > window


def test_demo_group_requests_await_staff_or_were_decided(demo, db):
    requests = Booking.objects.filter(mode=BookingMode.REQUEST)
    here = requests.filter(palace=demo.palace, start__gte=NOW)

    assert here.filter(status=Status.PENDING).count() >= 2
    assert here.filter(status=Status.CONFIRMED, decided_by__phone="13800000004").exists()
    assert here.filter(status=Status.DECLINED).exclude(decision_reason="").exists()
    decided_here = requests.filter(palace=demo.palace, decided_at__isnull=False)
    assert set(decided_here.values_list("decided_by__phone", flat=True)) == {"13800000004"}
    assert requests.filter(status=Status.CHECKED_IN, start__lt=NOW).exists()
    assert requests.filter(purpose="公司年会", organisation="江铃汽车集团工会").exists()
    assert not requests.filter(Q(purpose="") | Q(organisation="")).exists()
    assert set(requests.values_list("venue__kind", flat=True)) <= {
        "theatre", "multi_function_hall", "folk_stage", "leisure_square",
    }  # fmt: skip


def test_demo_pool_of_workers_books_across_the_province(demo, db):
    pool = User.objects.filter(phone__startswith=POOL_PHONE_PREFIX)
    members = pool.exclude(membership_number="").count()

    assert pool.count() == POOL_SIZE
    assert 0.6 < members / POOL_SIZE < 0.8
    assert all(2 <= len(name) <= 3 for name in pool.values_list("real_name", flat=True))
    assert pool.first().check_password("demo12345")
    palaces = Booking.objects.values("palace").distinct().count()
    city_palaces = Palace.objects.filter(level=Palace.Level.CITY, status=Palace.Status.IN_SERVICE)
    assert palaces > city_palaces.count()
    assert not city_palaces.exclude(pk__in=Booking.objects.values("palace")).exists()


def test_demo_same_seed_gives_the_same_bookings_and_force_reseeds(demo, db):
    before = fingerprint()
    old_ids = set(Booking.objects.values_list("pk", flat=True))

    seed("--force")

    assert fingerprint() == before
    assert not old_ids & set(Booking.objects.values_list("pk", flat=True))
    assert User.objects.filter(phone__startswith=POOL_PHONE_PREFIX).count() == POOL_SIZE


def test_demo_another_seed_books_other_people_and_times(demo, db):
    before = fingerprint()

    seed("--force", "--seed", "7")

    assert fingerprint()[0] != before[0]
    assert Booking.objects.filter(status=Status.WAITLISTED).exists()
