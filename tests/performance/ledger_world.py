"""A small world of raw rows for the ledger tests, and an independent count of what they say.

`build(world)` writes rows of every source for palaces A and B of the standard world, in the month
under test and just outside it (the last day before, the first day after), and returns them as
plain Python records. `expected(records, palace, month, now)` counts the figures from those records
with plain Python — the aggregation's grouped SQL is checked against this, not against itself.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from activities.models import Activity, Rating, Wish
from alliance.models import HostingApplication, HostingCall, Subsidy
from bookings.models import Attendance, Booking, Occurrence, Offering
from performance.ledgers.models import Ledger, ManualLine
from tests.factories import SatellitePointFactory, UserFactory, VenueFactory
from venues.models import Closure

MONTH = date(2026, 3, 1)
BEFORE = date(2026, 2, 28)  # last day before the month
AFTER = date(2026, 4, 1)  # first day after
NOW = timezone.make_aware(datetime(2026, 3, 20, 12, 0))
_counter = itertools.count(1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@dataclass
class Records:
    activities: list = field(default_factory=list)
    occurrences: list = field(default_factory=list)
    attendance: list = field(default_factory=list)
    bookings: list = field(default_factory=list)
    ratings: list = field(default_factory=list)
    wishes: list = field(default_factory=list)
    applications: list = field(default_factory=list)
    subsidies: list = field(default_factory=list)
    manual: list = field(default_factory=list)
    venues: list = field(default_factory=list)
    closures: list = field(default_factory=list)


def _code() -> str:
    return secrets.token_hex(5).upper()


def booking(
    records: Records, *, venue=None, offering=None, user, start, minutes=60, status, party=1, fee=0, **extra
):
    palace = (venue or offering).palace
    mode = offering.kind if offering else venue.booking_mode
    row = Booking.objects.create(
        palace=palace,
        venue=venue,
        offering=offering,
        user=user,
        mode=mode,
        exclusive=bool(venue) and not offering and venue.booking_mode in ("exclusive", "request"),
        start=start,
        end=start + timedelta(minutes=minutes),
        local_date=timezone.localtime(offering.starts_at if offering else start).date(),
        party_size=party,
        status=status,
        fee=Decimal(fee),
        check_in_code=_code(),
        **extra,
    )
    records.bookings.append(row)
    return row


def build(world) -> Records:
    r = Records()
    a, b = world.palace_a, world.palace_b
    point = SatellitePointFactory(palace=a, name="工业园活动点")
    court = world.venue_a  # badminton: booked whole
    gym = world.venue_b  # gym: places per slot (capacity 40)
    karaoke = VenueFactory(palace=a, name="卡拉OK室", kind="karaoke")
    window = VenueFactory(palace=a, name="法律援助窗口", kind="legal_aid_window")
    pool = VenueFactory(palace=b, name="游泳池", kind="swimming_pool", capacity=50)
    old = VenueFactory(palace=b, name="旧棋牌室", kind="chess_cards", is_active=False)
    r.venues = [court, gym, karaoke, window, pool, old]
    # Closures: palace A closed two days of the month (and one day before it), the karaoke room
    # one more day; palace B's pool three days, one of them outside the month.
    r.closures = [
        Closure.objects.create(palace=a, start_date=BEFORE, end_date=date(2026, 3, 2), reason="检修"),
        Closure.objects.create(
            palace=a, venue=karaoke, start_date=date(2026, 3, 10), end_date=date(2026, 3, 10), reason="设备"
        ),
        Closure.objects.create(
            palace=b, venue=pool, start_date=date(2026, 3, 30), end_date=AFTER, reason="换水"
        ),
    ]

    # Logged activities.
    def activity(palace, day, kind, centre, people, **extra):
        row = Activity.objects.create(
            palace=palace,
            title=f"活动{next(_counter)}",
            kind=kind,
            centre=centre,
            date=day,
            participants=people,
            **extra,
        )
        r.activities.append(row)

    activity(a, date(2026, 3, 1), "lecture", "education", 80, partner_kind="school", partner_name="一中")
    activity(a, date(2026, 3, 5), "performance", "culture", 300, venue=karaoke)
    activity(a, date(2026, 3, 8), "livestream", "culture", 20, online_viewers=171_800, likes=20_000)
    activity(
        a,
        date(2026, 3, 8),
        "competition",
        "health",
        120,
        satellite_point=point,
        partner_kind="enterprise",
        partner_name="某厂",
    )
    activity(
        a,
        date(2026, 3, 31),
        "volunteer_service",
        "service",
        15,
        partner_kind="association",
        partner_name="协会",
    )
    activity(a, BEFORE, "lecture", "education", 999)
    activity(a, AFTER, "lecture", "education", 999)
    activity(b, date(2026, 3, 15), "job_fair", "service", 200, online_viewers=5_000, likes=300)
    activity(
        b,
        date(2026, 3, 16),
        "reading_exchange",
        "education",
        30,
        satellite_point=SatellitePointFactory(palace=b),
    )

    # Classes and events: a lottery course of A with three sessions in the month (one cancelled,
    # one after `NOW`), one before; an event of B.
    course = Offering.objects.create(
        palace=a,
        venue=karaoke,
        kind="course",
        title="声乐",
        capacity=2,
        selection="lottery",
        closes_at=at(date(2026, 2, 20), 12),
        starts_at=at(date(2026, 3, 3), 19),
        ends_at=at(date(2026, 5, 30), 21),
    )
    event = Offering.objects.create(
        palace=b,
        venue=pool,
        kind="event",
        title="游泳比赛",
        closes_at=at(date(2026, 3, 10), 12),
        starts_at=at(date(2026, 3, 12), 9),
        ends_at=at(date(2026, 3, 12), 11),
    )
    for offering, day, cancelled in [
        (course, date(2026, 3, 3), False),
        (course, date(2026, 3, 10), True),
        (course, date(2026, 3, 24), False),  # after NOW: not held yet
        (course, BEFORE, False),
        (event, date(2026, 3, 12), False),
    ]:
        start = at(day, 19 if offering is course else 9)
        r.occurrences.append(
            Occurrence.objects.create(
                offering=offering,
                palace=offering.palace,
                venue=offering.venue,
                start=start,
                end=start + timedelta(hours=2),
                local_date=day,
                cancelled=cancelled,
            )
        )
    people = [UserFactory() for _ in range(5)]
    signups = [
        booking(r, offering=course, user=people[0], start=course.starts_at, status="confirmed"),
        booking(r, offering=course, user=people[1], start=course.starts_at, status="checked_in"),
        booking(r, offering=course, user=people[2], start=course.starts_at, status="waitlisted"),
        booking(r, offering=course, user=people[3], start=course.starts_at, status="cancelled"),
        booking(r, offering=event, user=people[0], start=event.starts_at, status="confirmed"),
        booking(r, offering=event, user=people[4], start=event.starts_at, status="waitlisted"),
    ]
    for signup, occurrence in [
        (signups[0], r.occurrences[0]),
        (signups[1], r.occurrences[0]),
        (signups[1], r.occurrences[3]),
        (signups[4], r.occurrences[4]),
    ]:
        r.attendance.append(
            Attendance.objects.create(
                booking=signup,
                occurrence=occurrence,
                palace=occurrence.palace,
                local_date=occurrence.local_date,
                method="code",
            )
        )

    # Venue bookings and appointments.
    w1, w2 = world.worker, world.worker2
    court_bookings = [
        booking(
            r, venue=court, user=w1, start=at(date(2026, 3, 4), 19), minutes=90, status="checked_in", fee=20
        ),
        booking(r, venue=court, user=w2, start=at(date(2026, 3, 5), 19), status="no_show"),
        booking(r, venue=court, user=w1, start=at(date(2026, 3, 6), 19), status="cancelled"),
        booking(r, venue=court, user=w2, start=at(date(2026, 3, 7), 19), status="confirmed"),
        booking(r, venue=court, user=w1, start=at(date(2026, 3, 8), 19), status="declined"),
        booking(r, venue=court, user=w1, start=at(BEFORE, 19), status="checked_in"),
        booking(
            r,
            venue=karaoke,
            user=w2,
            start=at(date(2026, 3, 9), 20),
            minutes=120,
            status="checked_in",
            fee=50,
        ),
    ]
    booking(r, venue=window, user=w1, start=at(date(2026, 3, 11), 10), minutes=30, status="confirmed")
    booking(r, venue=window, user=w2, start=at(date(2026, 3, 12), 10), minutes=30, status="no_show")
    booking(r, venue=gym, user=w1, start=at(date(2026, 3, 13), 18), status="checked_in", party=4)
    booking(
        r,
        venue=gym,
        user=w2,
        start=at(date(2026, 3, 14), 18),
        minutes=120,
        status="confirmed",
        party=2,
        fee=10,
    )
    booking(r, venue=gym, user=w2, start=at(date(2026, 3, 15), 18), status="waitlisted")
    booking(r, venue=pool, user=w1, start=at(date(2026, 3, 16), 18), status="cancelled")
    booking(r, venue=old, user=w1, start=at(date(2026, 3, 2), 18), status="checked_in", party=8)

    # Ratings (of checked-in venue bookings), one outside the month.
    for row, stars, day in [
        (court_bookings[0], 5, None),
        (court_bookings[6], 2, None),
        (court_bookings[5], 1, BEFORE),
    ]:
        r.ratings.append(
            Rating.objects.create(
                palace=row.palace,
                user=row.user,
                subject="venue",
                booking=row,
                venue=row.venue,
                local_date=day or row.local_date,
                stars=stars,
            )
        )
    # A rating on palace B.
    gym_visit = next(x for x in r.bookings if x.venue == gym and x.status == "checked_in")
    r.ratings.append(
        Rating.objects.create(
            palace=b,
            user=gym_visit.user,
            subject="venue",
            booking=gym_visit,
            venue=gym,
            local_date=gym_visit.local_date,
            stars=4,
        )
    )

    # Wishes: proposed and answered at local times near the month's edges.
    for palace, created, status, answered in [
        (a, at(date(2026, 3, 1), 0, 10), "open", None),  # just after local midnight: in March
        (a, at(BEFORE, 23, 50), "planned", at(date(2026, 3, 2), 9)),  # proposed in Feb, answered in March
        (a, at(date(2026, 3, 20), 9), "declined", at(AFTER, 0, 5)),  # answered in April
        (b, at(date(2026, 3, 31), 23, 55), "done", at(date(2026, 3, 31), 23, 58)),
    ]:
        r.wishes.append(
            Wish.objects.create(
                palace=palace,
                title=f"心愿{next(_counter)}",
                created_at=created,
                status=status,
                answered_at=answered,
                answer="" if status == "open" else "好的",
            )
        )

    # Hosting: an application of A submitted in March and approved in March with a subsidy paid in
    # March; one of B submitted in February, approved in March, paid in April.
    call = HostingCall.objects.create(
        title="省职工篮球赛",
        event_kind="competition",
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 5, 31),
        deadline=at(date(2026, 3, 25), 18),
        budget=Decimal("200000"),
    )
    for palace, venue, submitted, decided, granted, paid, paid_on in [
        (a, court, at(date(2026, 3, 3), 10), at(date(2026, 3, 28), 10), "50000", "20000", date(2026, 3, 30)),
        (b, pool, at(date(2026, 2, 20), 10), at(date(2026, 3, 1), 0, 30), "30000", "30000", AFTER),
    ]:
        application = HostingApplication.objects.create(
            call=call,
            palace=palace,
            plan="方案",
            venue=venue,
            capacity=500,
            support="人员",
            requested_subsidy=Decimal(granted),
            event_date=date(2026, 5, 10),
            status="approved",
            decided_at=decided,
            submitted_at=submitted,
        )
        r.applications.append(application)
        r.subsidies.append(
            Subsidy.objects.create(
                application=application,
                call=call,
                palace=palace,
                year=2026,
                granted=Decimal(granted),
                paid=Decimal(paid),
                paid_on=paid_on,
            )
        )

    # Manual lines on A's March ledger (and a remark without a value, and one on February's).
    march = Ledger.objects.create(palace=a, month=MONTH)
    february = Ledger.objects.create(palace=a, month=date(2026, 2, 1))
    for ledger, metric, value in [
        (march, "volunteer_hours", "12.5"),
        (march, "volunteer_hours", "7.5"),
        (march, "jobs_placed", "3"),
        (march, "remark", None),
        (february, "legal_aid_cases", "9"),
    ]:
        r.manual.append(
            ManualLine.objects.create(
                ledger=ledger,
                metric=metric,
                value=None if value is None else Decimal(value),
                note="说明",
                created_by=world.manager_a,
            )
        )
    return r


def _in(day: date, month: date) -> bool:
    return day.replace(day=1) == month


def _local_month(moment) -> date | None:
    return None if moment is None else timezone.localtime(moment).date().replace(day=1)


def expected(r: Records, palace, month: date = MONTH, now: datetime = NOW) -> dict[str, Decimal]:
    """The figures of `palace` and `month` counted in Python from the records (zeros omitted)."""
    out: dict[str, Decimal] = {}

    def add(code, value):
        if value:
            out[code] = out.get(code, Decimal(0)) + Decimal(value)

    for x in r.activities:
        if x.palace_id != palace.pk or not _in(x.date, month):
            continue
        add("activities", 1)
        add("person_times", x.participants)
        add("online_viewers", x.online_viewers)
        add("likes", x.likes)
        if x.online_viewers > out.get("online_viewers_max", 0):
            out["online_viewers_max"] = Decimal(x.online_viewers)
        add(f"activities_{x.centre}", 1)
        add(f"person_times_{x.centre}", x.participants)
        add(f"activities_kind_{x.kind}", 1)
        add(f"person_times_kind_{x.kind}", x.participants)
        if x.partner_kind != "none":
            add(f"activities_partner_{x.partner_kind}", 1)
            add(f"person_times_partner_{x.partner_kind}", x.participants)
        if x.satellite_point_id:
            add("satellite_activities", 1)
            add("satellite_person_times", x.participants)
    for x in r.occurrences:
        if x.palace_id == palace.pk and _in(x.local_date, month) and not x.cancelled and x.start <= now:
            add("sessions", 1)
            add("class_sessions" if x.offering.kind == "course" else "event_sessions", 1)
    for x in r.attendance:
        if x.palace_id == palace.pk and _in(x.local_date, month):
            add("attendance", 1)
            add("class_attendance" if x.occurrence.offering.kind == "course" else "event_attendance", 1)
    venues = {v.pk: v for v in r.venues}
    for x in r.bookings:
        if x.palace_id != palace.pk or not _in(x.local_date, month):
            continue
        if x.offering_id:
            if x.status in ("confirmed", "checked_in"):
                add("enrolments" if x.offering.kind == "course" else "event_registrations", 1)
            if x.status == "waitlisted":
                add("waitlisted", 1)
            if x.offering.kind == "course" and x.offering.selection == "lottery":
                add("lottery_applications", 1)
            continue
        venue = venues[x.venue_id]
        held = x.status in ("confirmed", "checked_in", "no_show")
        if venue.booking_mode == "appointment":
            add("appointments", 1 if held else 0)
        else:
            add("bookings", 1 if held else 0)
            add("checkins", 1 if x.status == "checked_in" else 0)
            add("no_shows", 1 if x.status == "no_show" else 0)
            add("cancellations", 1 if x.status == "cancelled" else 0)
        if held:
            hours = Decimal((x.end - x.start).total_seconds()) / 3600
            if venue.booking_mode not in ("exclusive", "request"):
                hours = hours * x.party_size / venue.capacity
            add("booked_hours", hours)
            add(f"booked_hours_{venue.centre}", hours)
            add("free_hours", hours if x.fee == 0 else 0)
    # Open hours: 12 a day (09–21, every weekday, the standard world) per active venue, minus the
    # palace's closed days and the venue's own.
    days = [month + timedelta(days=n) for n in range(31) if (month + timedelta(days=n)).month == month.month]
    for venue in r.venues:
        if venue.palace_id != palace.pk or not venue.is_active:
            continue
        open_days = [
            d
            for d in days
            if not any(
                c.start_date <= d <= c.end_date and (c.venue_id is None or c.venue_id == venue.pk)
                for c in r.closures
                if c.palace_id == palace.pk
            )
        ]
        add("open_hours", 12 * len(open_days))
        add(f"open_hours_{venue.centre}", 12 * len(open_days))
    for x in r.ratings:
        if x.palace_id == palace.pk and _in(x.local_date, month):
            add("ratings", 1)
            add("rating_stars", x.stars)
    for x in r.wishes:
        if x.palace_id != palace.pk:
            continue
        add("wishes", 1 if _local_month(x.created_at) == month else 0)
        add("wishes_answered", 1 if x.status != "open" and _local_month(x.answered_at) == month else 0)
    for x in r.applications:
        if x.palace_id == palace.pk:
            add("hosting_applications", 1 if _local_month(x.submitted_at) == month else 0)
            add(
                "hosting_approved", 1 if x.status == "approved" and _local_month(x.decided_at) == month else 0
            )
    for x in r.subsidies:
        if x.palace_id == palace.pk:
            add("subsidy_granted", x.granted if _local_month(x.application.decided_at) == month else 0)
            add("subsidy_paid", x.paid if x.paid_on and _in(x.paid_on, month) else 0)
    for x in r.manual:
        if (
            x.ledger.palace_id == palace.pk
            and x.ledger.month == month
            and x.value is not None
            and x.metric != "remark"
        ):
            add(x.metric, x.value)

    # Derived: recomputed from their inputs.
    def ratio(num, den, scale=100):
        return (
            (out.get(num, Decimal(0)) * scale / out[den]).quantize(Decimal("0.01"))
            if out.get(den)
            else Decimal(0)
        )

    out["utilisation"] = ratio("booked_hours", "open_hours")
    for centre in ("culture", "education", "health", "service"):
        out[f"utilisation_{centre}"] = ratio(f"booked_hours_{centre}", f"open_hours_{centre}")
    out["free_hours_share"] = ratio("free_hours", "booked_hours")
    out["rating_avg"] = ratio("rating_stars", "ratings", scale=1)
    return {code: value for code, value in out.items() if value}
