"""The demo classes and events: every row one the services could have written, and deterministic.

The network, the demo accounts, the bookings (whose demo workers sign up here) and the classes step
are seeded once for the module (the ledger is left out) and read by every test; the test that
reseeds does so inside its own transaction, which is rolled back.
"""

import time as clock
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

import bookings.demo
import venues.demo
from activities.classes.selectors import course_demand
from activities.classes.services import draw_order, sessions_plan
from activities.demo.classes import CLASSES_STEP, LOSERS
from activities.models import Course, Event, LotteryDraw, PriorityRound, Term
from activities.offerings.selectors import enrolment_record
from activities.ratings.models import Rating
from activities.voice.models import Wish, WishStatus, WishVote
from bookings.demo import DEMO_HOUR
from bookings.models import Attendance, Booking, Occurrence, Offering
from palace_portal.users.models import User
from venues.demo.accounts import DEMO_PALACE_NAME
from venues.demo.builder import DemoContext, wipe
from venues.models import Closure, Palace

# Seeds (part of) the demo province: slow, so run by `make test-demo` and CI's demo step.
pytestmark = pytest.mark.demo

ANCHOR = date(2026, 11, 21)
NOW = timezone.make_aware(datetime.combine(ANCHOR, DEMO_HOUR))
Status = Booking.Status
HOLDING = Booking.HOLDING
COUNTED = (Status.PENDING, Status.OFFERED, Status.CONFIRMED, Status.CHECKED_IN)
STEPS = (*venues.demo.DEMO_STEPS, *bookings.demo.DEMO_STEPS, CLASSES_STEP)


@pytest.fixture(scope="module")
def demo(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ctx = DemoContext(seed=2026, today=ANCHOR)
        with transaction.atomic():
            for step in STEPS[:-1]:
                step.build(ctx)
            started, cpu = clock.perf_counter(), clock.process_time()
            CLASSES_STEP.build(ctx)
            elapsed, cpu = clock.perf_counter() - started, clock.process_time() - cpu
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print(  # the step's time is worth seeing in every run
                f"\nclasses demo step on {connection.vendor}: {elapsed:.1f} s ({cpu:.1f} s CPU), "
                f"{Booking.objects.filter(offering__isnull=False).count()} sign-ups, "
                f"{Attendance.objects.count()} attendance records"
            )
        yield SimpleNamespace(
            ctx=ctx,
            palace=Palace.objects.get(name=DEMO_PALACE_NAME),
            worker=User.objects.get(phone="13800000001"),
            non_member=User.objects.get(phone="13800000002"),
            staff=User.objects.get(phone="13800000003"),
        )
        with transaction.atomic():
            wipe(list(STEPS))


def signups():
    return Booking.objects.filter(offering__isnull=False)


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


# --- Places, limits and the lottery ----------------------------------------------------------------


def test_every_offering_counts_exactly_its_holding_signups_and_is_never_overbooked(demo, db):
    holding = dict(signups().filter(status__in=HOLDING).values_list("offering_id").annotate(n=Count("pk")))
    offerings = list(Offering.objects.all())

    assert len(offerings) > 300
    for offering in offerings:
        assert offering.taken == holding.get(offering.pk, 0), offering.title
        assert offering.capacity is None or offering.taken <= offering.capacity
    assert not signups().filter(~Q(start=F("offering__starts_at")) | ~Q(end=F("offering__ends_at"))).exists()
    assert not signups().exclude(palace=F("offering__palace")).exists()
    assert not signups().exclude(mode=F("offering__kind")).exists()


def _round(user: User, rounds: list[str]) -> int:
    for index, key in enumerate(rounds):
        if key == PriorityRound.NEW_FORM_WORKER and user.new_form_worker:
            return index
        if key == PriorityRound.MEMBER and user.is_member:
            return index
    return len(rounds)


def test_every_drawn_lottery_is_exactly_its_recorded_draw(demo, db):
    draws = list(LotteryDraw.objects.select_related("course__offering"))

    assert len(draws) >= 15  # one at every city-level palace
    for draw in draws:
        offering = draw.course.offering
        applications = {b.pk: b for b in signups().filter(offering=offering).select_related("user")}
        assert offering.selection == Offering.Selection.LOTTERY
        assert offering.drawn_at == draw.drawn_at
        assert offering.closes_at < draw.drawn_at < NOW
        assert draw.places == offering.capacity
        assert draw.applicants == len(applications) == len(draw.ordering)
        assert draw.applicants > draw.places + LOSERS  # oversubscribed
        pairs = [
            (row["booking"], _round(applications[row["booking"]].user, draw.rounds)) for row in draw.ordering
        ]
        assert draw.ordering == draw_order(draw.seed, pairs)
        for rank, row in enumerate(draw.ordering, start=1):
            booking = applications[row["booking"]]
            assert booking.queue_rank == rank
            assert booking.status == (Status.CONFIRMED if rank <= draw.places else Status.WAITLISTED)
            assert booking.created_at < offering.closes_at
        assert sorted(draw.course.priority_rounds) == sorted(draw.rounds)


def test_nobody_holds_more_courses_of_a_term_than_allowed_nor_two_sections_of_one(demo, db):
    counted = signups().filter(status__in=COUNTED, offering__kind=Offering.Kind.COURSE)
    per_term = counted.values("user_id", "offering__limit_group", "offering__group_limit").annotate(
        n=Count("pk")
    )
    per_family = counted.values("user_id", "offering__family").annotate(n=Count("pk"))
    terms = {f"term:{t.pk}": t for t in Term.objects.all()}

    assert all(row["n"] <= row["offering__group_limit"] for row in per_term)
    assert all(row["n"] == 1 for row in per_family)
    assert max(row["n"] for row in per_term) >= 2
    for offering in Offering.objects.filter(kind=Offering.Kind.COURSE).select_related("course"):
        term = terms[offering.limit_group]
        assert offering.group_limit == term.max_courses
        assert offering.family == f"course:{offering.course.root.pk}"
        assert signups().filter(offering=offering).values("user_id").distinct().count() == (
            signups().filter(offering=offering).count()
        )


def test_every_waitlisted_signup_could_still_get_a_place_and_offers_are_open(demo, db):
    ended = signups().filter(status__in=(Status.WAITLISTED, Status.PENDING), offering__ends_at__lte=NOW)
    assert not ended.exists()  # waits of what has ended expired
    offered = signups().filter(status=Status.OFFERED)
    assert offered.exists()
    assert not offered.filter(offer_expires_at__lte=NOW).exists()
    assert not offered.filter(offer_expires_at__isnull=True).exists()
    assert not signups().exclude(status=Status.CANCELLED).filter(cancelled_at__isnull=False).exists()
    assert not signups().filter(status=Status.CANCELLED, cancelled_at__isnull=True).exists()


# --- Sessions and attendance -------------------------------------------------------------------------


def test_sessions_are_the_schedules_plan_and_never_held_on_a_closure_day(demo, db):
    courses = list(Course.objects.select_related("term", "palace", "venue", "offering"))
    for course in courses:
        first = course.term.starts_on
        created = course.created_at
        if course.section_of_id:
            first = local(created).date()
        plan = sessions_plan(
            palace=course.palace, venue=course.venue, weekdays=course.weekdays, starts_at=course.starts_at,
            ends_at=course.ends_at, first=first, last=course.term.ends_on,
        )  # fmt: skip
        expected = [(s.start, s.end, bool(s.skipped), s.skipped) for s in plan if s.start > created]
        written = list(
            Occurrence.objects.filter(offering=course.offering)
            .order_by("start")
            .values_list("start", "end", "cancelled", "note")
        )
        assert written == expected, course.title
        held = [s for s in expected if not s[2]]
        assert (course.offering.starts_at, course.offering.ends_at) == (held[0][0], held[-1][1])
    closures = list(Closure.objects.all())
    open_sessions = Occurrence.objects.filter(cancelled=False)
    for closure in closures:
        clash = open_sessions.filter(
            palace_id=closure.palace_id, local_date__gte=closure.start_date, local_date__lte=closure.end_date
        )
        if closure.venue_id:
            clash = clash.filter(venue_id=closure.venue_id)
        assert not clash.exists(), closure


def test_attendance_only_for_enrolled_people_at_sessions_that_have_begun(demo, db):
    rows = Attendance.objects.all()

    assert rows.count() > 20_000
    assert not rows.exclude(booking__status__in=(Status.CONFIRMED, Status.CHECKED_IN)).exists()
    assert not rows.filter(occurrence__cancelled=True).exists()
    assert not rows.filter(occurrence__start__gt=NOW).exists()
    assert not rows.exclude(occurrence__offering=F("booking__offering")).exists()
    assert not rows.exclude(palace=F("occurrence__palace")).exists()
    assert not rows.exclude(local_date=F("occurrence__local_date")).exists()
    assert not rows.filter(recorded_at__gt=NOW).exists()
    # Events: attendance exactly for those checked in.
    events = rows.filter(occurrence__offering__kind=Offering.Kind.EVENT)
    assert events.count() == signups().filter(status=Status.CHECKED_IN).count()
    assert not signups().filter(status=Status.CHECKED_IN, offering__kind=Offering.Kind.COURSE).exists()


def test_completion_varies_and_the_skills_course_before_the_term_is_over(demo, db):
    short = Term.objects.filter(name__contains="技能速成班")
    assert short.exists()
    assert all(t.ends_on < ANCHOR for t in short)
    completed = Counter()
    for booking in signups().filter(offering__course__term__in=short, status=Status.CONFIRMED)[:300]:
        completed[enrolment_record(booking, now=NOW).completed] += 1
    assert completed[True] > completed[False] > 0


# --- What the demo accounts and the demo palace show -------------------------------------------------


def test_the_member_has_classes_a_certificate_a_lottery_application_and_events(demo, db):
    mine = signups().filter(user=demo.worker).select_related("offering__course__term")
    courses = [b for b in mine if b.offering.kind == Offering.Kind.COURSE]
    records = {b.pk: enrolment_record(b, now=NOW) for b in courses if b.status == Status.CONFIRMED}

    done = [b for b in courses if b.offering.ends_at < NOW and records.get(b.pk) and records[b.pk].completed]
    assert len(done) == 1  # the certificate of the skills course
    under_way = [b for b in courses if b.offering.starts_at < NOW < b.offering.ends_at and b.pk in records]
    assert under_way
    assert all(records[b.pk].attended > 0 for b in under_way)
    assert any(records[b.pk].attended < records[b.pk].held for b in under_way)  # missed a session
    assert any(b.status == Status.PENDING and b.offering.selection == "lottery" for b in courses)
    events = [b for b in mine if b.offering.kind == Offering.Kind.EVENT]
    assert any(b.status == Status.CONFIRMED and b.offering.starts_at > NOW for b in events)
    assert any(b.status == Status.CHECKED_IN and b.offering.ends_at < NOW for b in events)
    assert Rating.objects.filter(user=demo.worker).exists()
    assert Wish.objects.filter(author=demo.worker).exists()
    assert signups().filter(user=demo.non_member, status=Status.WAITLISTED).exists()


def test_the_demo_palace_shows_every_shape_of_classes_and_events(demo, db):
    palace = demo.palace
    courses = Course.objects.filter(palace=palace).select_related("offering", "term")
    current = Term.objects.get(palace=palace, starts_on__lte=ANCHOR, ends_on__gte=ANCHOR)
    upcoming = Term.objects.get(palace=palace, enrolment_opens__lte=NOW, enrolment_closes__gt=NOW)

    assert current.enrolment_closes < NOW
    assert upcoming.starts_on > ANCHOR
    assert 2 <= upcoming.max_courses <= 3
    assert LotteryDraw.objects.filter(course__palace=palace).exists()
    section = courses.get(section_of__isnull=False)
    assert section.state == Course.State.PUBLISHED
    assert signups().filter(offering=section.offering, status=Status.OFFERED).exists()
    assert signups().filter(offering=section.section_of.offering, status=Status.WAITLISTED).exists()
    overflowing = [c for c in courses.filter(term=upcoming) if course_demand(c).overflowing]
    assert len(overflowing) >= 2
    assert all(c.offering.selection == "lottery" and c.offering.drawn_at is None for c in overflowing)
    assert courses.filter(state=Course.State.DRAFT).exists()
    assert Course.objects.exclude(partner="").exists()
    events = Event.objects.filter(palace=palace)
    assert events.filter(starts_at__lt=NOW, offering__isnull=False).exists()
    assert events.filter(starts_at__gt=NOW, offering__capacity__isnull=False).exists()
    assert events.filter(offering__isnull=True).exists()
    assert events.filter(venue__isnull=True).exclude(online_url="").exists()
    assert events.filter(state=Event.State.DRAFT).exists()
    assert events.filter(title__startswith="五一课堂", local_date__month__in=(4, 5)).exists()
    assert signups().filter(offering__event__palace=palace, status=Status.WAITLISTED).exists()
    assert Rating.objects.filter(palace=palace, hidden_at__isnull=False).exists()
    wishes = Wish.objects.filter(palace=palace)
    assert {w.status for w in wishes} == set(WishStatus.values)
    assert wishes.filter(status=WishStatus.DONE, course__palace=palace).exists()


def test_events_have_a_place_or_a_link_and_registration_closes_at_the_start(demo, db):
    events = Event.objects.select_related("offering")
    assert events.count() > 100
    kinds = Counter(events.values_list("kind", flat=True))
    assert {"lecture", "performance", "competition", "job_fair", "mixer"} <= set(kinds)
    for event in events:
        assert event.venue_id or event.online_url
        assert event.local_date == local(event.starts_at).date()
        if event.offering:
            assert event.offering.closes_at == event.starts_at
            assert (event.offering.starts_at, event.offering.ends_at) == (event.starts_at, event.ends_at)
            assert Occurrence.objects.filter(offering=event.offering).count() == 1
    assert not signups().filter(offering__event__starts_at__gt=NOW, status=Status.CHECKED_IN).exists()
    assert not signups().filter(offering__members_only=True, user__membership_number="").exists()
    online = events.filter(venue__isnull=True)
    assert online.exists()
    assert all(e.online_url.startswith("https://") for e in online)


# --- Nothing of the future has happened --------------------------------------------------------------


def test_nothing_after_the_demo_clock_has_happened(demo, db):
    for field in ("created_at", "cancelled_at", "checked_in_at"):
        assert not signups().filter(**{f"{field}__gt": NOW}).exists(), field
    assert not Course.objects.filter(created_at__gt=NOW).exists()
    assert not Event.objects.filter(created_at__gt=NOW).exists()
    assert not Offering.objects.filter(created_at__gt=NOW).exists()
    assert (
        not signups()
        .filter(created_at__gt=F("offering__closes_at"))
        .exclude(offering__kind="course")
        .exists()
    )
    assert not Rating.objects.filter(created_at__gt=NOW).exists()
    assert not WishVote.objects.filter(created_at__gt=NOW).exists()
    assert not Wish.objects.filter(Q(created_at__gt=NOW) | Q(answered_at__gt=NOW)).exists()


def test_ratings_are_by_people_who_attended_within_the_window(demo, db):
    ratings = Rating.objects.select_related("booking", "occurrence")
    subjects = Counter(ratings.values_list("subject", flat=True))

    assert set(subjects) == {"venue", "course", "event"}
    attended = set(Attendance.objects.values_list("booking_id", "occurrence_id"))
    for rating in ratings:
        booking = rating.booking
        assert rating.user_id == booking.user_id
        assert rating.palace_id == booking.palace_id
        if rating.subject == Rating.Subject.COURSE:
            assert (booking.pk, rating.occurrence_id) in attended
            start, end = rating.occurrence.start, rating.occurrence.end
        else:
            assert booking.status == Status.CHECKED_IN
            start, end = booking.start, booking.end
        assert start <= rating.created_at <= end + timedelta(days=30)


def test_wishes_count_their_votes_and_done_ones_link_a_course_of_the_palace(demo, db):
    wishes = Wish.objects.annotate(n_votes=Count("votes"))
    assert wishes.count() > 50
    assert all(w.vote_count == w.n_votes >= 1 for w in wishes)
    assert not WishVote.objects.filter(wish__author=F("user"), created_at__gt=F("wish__created_at")).exists()
    statuses = Counter(wishes.values_list("status", flat=True))
    assert set(statuses) == set(WishStatus.values)
    done = Wish.objects.filter(status=WishStatus.DONE)
    assert done.exists()
    assert not done.exclude(course__palace=F("palace")).exists()


# --- Determinism -------------------------------------------------------------------------------------


def fingerprint() -> list:
    def rows(qs, order, *fields):
        # Sorted in Python as well: the fields describe a row whole, the database's order may tie.
        return sorted(qs.order_by(*order).values_list(*fields), key=repr)

    drawn = Q(offering__drawn_at__isnull=False, offering__course__section_of__isnull=True)
    return [
        rows(
            Term.objects, ("palace__name", "name"),
            "palace__name", "name", "starts_on", "ends_on", "enrolment_opens", "enrolment_closes",
            "max_courses",
        ),
        rows(
            Course.objects, ("palace__name", "offering__title", "starts_at"),
            "palace__name", "term__name", "offering__title", "section_of__title", "venue__name", "teacher",
            "partner", "weekdays", "starts_at", "ends_at", "priority_rounds", "state", "created_at",
            "offering__capacity", "offering__taken", "offering__selection", "offering__fee",
            "offering__opens_at", "offering__closes_at", "offering__drawn_at",
        ),
        rows(
            Event.objects, ("palace__name", "starts_at", "title"),
            "palace__name", "title", "kind", "venue__name", "online_url", "starts_at", "ends_at", "speaker",
            "partner_name", "state", "created_at", "offering__capacity", "offering__taken",
        ),
        rows(
            Occurrence.objects, ("offering__title", "start"), "offering__title", "start", "cancelled", "note",
        ),
        rows(
            signups(), ("check_in_code",),
            "check_in_code", "offering__title", "user__phone", "status", "created_at", "cancelled_at",
            "offer_expires_at", "checked_in_at",
        ),
        rows(signups().exclude(drawn), ("check_in_code",), "check_in_code", "queue_rank"),
        rows(
            Attendance.objects, ("booking__check_in_code", "occurrence__start"),
            "booking__check_in_code", "occurrence__start", "method", "recorded_at",
        ),
        rows(
            LotteryDraw.objects, ("course__offering__title", "palace__name"),
            "course__offering__title", "palace__name", "rounds", "places", "applicants", "drawn_at",
        ),
        rows(
            Rating.objects, ("booking__check_in_code", "occurrence__start"),
            "booking__check_in_code", "occurrence__start", "stars", "comment", "created_at", "hidden_at",
        ),
        rows(
            Wish.objects, ("palace__name", "title"),
            "palace__name", "title", "author__phone", "status", "vote_count", "answer", "course__title",
        ),
        rows(
            WishVote.objects, ("wish__palace__name", "wish__title", "user__phone"),
            "wish__palace__name", "wish__title", "user__phone",
        ),
    ]  # fmt: skip


def test_the_same_seed_gives_the_same_rows_whatever_the_ids(demo, db):
    before = fingerprint()
    old_ids = set(signups().values_list("pk", flat=True))
    counts = dict(demo.ctx.counts)

    with transaction.atomic():
        CLASSES_STEP.wipe()
        assert not CLASSES_STEP.has_data()
        assert not signups().exists()
        assert not Rating.objects.exists()
        ctx = DemoContext(
            seed=demo.ctx.seed, today=ANCHOR, regions=demo.ctx.regions, palaces=demo.ctx.palaces,
            venues=demo.ctx.venues, users=demo.ctx.users,
        )  # fmt: skip
        CLASSES_STEP.build(ctx)

        assert fingerprint() == before
        assert not old_ids & set(signups().values_list("pk", flat=True))  # new ids, same draws
        assert {k: v for k, v in counts.items() if k in ctx.counts} == ctx.counts
        transaction.set_rollback(True)


def test_the_step_reports_what_it_wrote(demo, db):
    counts = {str(label): n for label, n in demo.ctx.counts.items()}
    per_palace = defaultdict(int)
    for palace_id in Course.objects.values_list("palace_id", flat=True):
        per_palace[palace_id] += 1

    assert CLASSES_STEP.has_data()
    assert len(per_palace) >= 30
    assert sum(counts.values()) > 50_000
    assert Course.objects.count() in counts.values()
    assert signups().count() in counts.values()
