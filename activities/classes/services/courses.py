"""Terms, courses and their sections; the lottery; completion.

A course's places, sign-ups (enrolments), waitlist, offers, check-in and messages are a bookings
`Offering` and its bookings (`bookings.services.offering`): this module keeps what is particular
to classes: the term and its limit, the weekly schedule turned into sessions (skipping the
palace's closures), priority rounds and the auditable draw, overflow and new sections.

Staff of the course's palace (`venues.access.may_manage_palace`) may do all of this; for anyone
else the course does not exist (`NotFound`).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.access import require_manager as _require_manager
from activities.classes.models import Course, LotteryDraw, PriorityRound, Term
from bookings.models import Booking, Occurrence, Offering
from bookings.services import offering as offerings
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from venues.kinds import Centre
from venues.models import Closure, Palace, Venue

Status = Booking.Status
WEEKDAYS = range(7)


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


# --- Terms -----------------------------------------------------------------------------------------


def _term_values(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = [_("Give the term a name.")]
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if starts and ends and starts > ends:
        errors["ends_on"] = [_("The last day is before the first.")]
    opens, closes = values.get("enrolment_opens"), values.get("enrolment_closes")
    if opens and closes and opens >= closes:
        errors["enrolment_closes"] = [_("Enrolment must close after it opens.")]
    if closes and starts and timezone.localtime(closes).date() > starts + timedelta(days=28):
        errors["enrolment_closes"] = [_("Enrolment should close before the term is four weeks old.")]
    max_courses = values.get("max_courses", 2)
    if not isinstance(max_courses, int) or not 1 <= max_courses <= 20:
        errors["max_courses"] = [_("Between 1 and 20.")]
    factor = Decimal(str(values.get("overflow_factor", "1.5")))
    if not Decimal(1) <= factor <= Decimal("9.9"):
        errors["overflow_factor"] = [_("Between 1.0 and 9.9.")]
    for field in ("starts_on", "ends_on", "enrolment_opens", "enrolment_closes"):
        if not values.get(field):
            errors.setdefault(field, [_("This field is required.")])
    if errors:
        raise InvalidInput(_("Please correct the term."), fields=errors)
    return {
        "name": name[:100],
        "starts_on": starts,
        "ends_on": ends,
        "enrolment_opens": opens,
        "enrolment_closes": closes,
        "max_courses": max_courses,
        "overflow_factor": factor,
    }


def term_create(*, actor, palace: Palace, **values: Any) -> Term:
    """A new term for the palace (staff of the palace). Names are unique per palace (`term_exists`)."""
    _require_manager(actor, palace)
    clean = _term_values(values)
    with transaction.atomic():
        if Term.objects.filter(palace=palace, name=clean["name"]).exists():
            raise InvalidInput(
                _("This palace already has a term of that name."),
                code="term_exists",
                fields={"name": [_("Already used.")]},
            )
        return Term.objects.create(palace=palace, **clean)


def term_update(*, actor, term: Term, **values: Any) -> Term:
    """Change a term; the enrolment window and course limit pass on to its courses' offerings."""
    _require_manager(actor, term.palace)
    clean = _term_values(values)
    with transaction.atomic():
        if Term.objects.filter(palace=term.palace, name=clean["name"]).exclude(pk=term.pk).exists():
            raise InvalidInput(
                _("This palace already has a term of that name."),
                code="term_exists",
                fields={"name": [_("Already used.")]},
            )
        for name, value in clean.items():
            setattr(term, name, value)
        term.save()
        Offering.objects.filter(course__term=term, drawn_at__isnull=True).update(
            opens_at=term.enrolment_opens, closes_at=term.enrolment_closes, group_limit=term.max_courses
        )
    return term


# --- Sessions from the weekly schedule --------------------------------------------------------------


@dataclass(frozen=True)
class PlannedSession:
    start: datetime
    end: datetime
    skipped: str  # the closure's reason when the palace or venue is closed that day, else ""


def sessions_plan(
    *,
    palace: Palace,
    venue: Venue,
    weekdays: Iterable[int],
    starts_at: time,
    ends_at: time,
    first: date,
    last: date,
) -> list[PlannedSession]:
    """Every weekly meeting from `first` to `last`, marking the days the palace or venue is closed."""
    closures = list(
        Closure.objects.filter(palace=palace, start_date__lte=last, end_date__gte=first).filter(
            Q(venue__isnull=True) | Q(venue=venue)
        )
    )
    days = set(weekdays)
    plan = []
    day = first
    while day <= last:
        if day.weekday() in days:
            closed = next((c for c in closures if c.start_date <= day <= c.end_date), None)
            plan.append(
                PlannedSession(_aware(day, starts_at), _aware(day, ends_at), closed.reason if closed else "")
            )
        day += timedelta(days=1)
    return plan


def _write_sessions(course: Course, plan: list[PlannedSession], *, now: datetime) -> int:
    """(Re)write the course's future sessions; past ones and ones with attendance stay as they were."""
    offering = course.offering
    keep = set(
        Occurrence.objects.filter(offering=offering)
        .filter(Q(start__lte=now) | Q(attendances__isnull=False))
        .values_list("start", flat=True)
    )
    Occurrence.objects.filter(offering=offering, start__gt=now, attendances__isnull=True).delete()
    rows = [
        Occurrence(
            offering=offering,
            palace_id=course.palace_id,
            venue_id=course.venue_id,
            start=s.start,
            end=s.end,
            local_date=timezone.localtime(s.start).date(),
            cancelled=bool(s.skipped),
            note=s.skipped[:200],
        )
        for s in plan
        if s.start not in keep and s.start > now
    ]
    Occurrence.objects.bulk_create(rows)
    return len(rows)


# --- Courses ---------------------------------------------------------------------------------------

COURSE_FIELDS = frozenset(
    {
        "title",
        "centre",
        "venue",
        "teacher",
        "partner",
        "weekdays",
        "starts_at",
        "ends_at",
        "capacity",
        "selection",
        "members_only",
        "fee",
        "description",
        "picture",
        "priority_rounds",
        "completion_percent",
    }
)


def _course_values(*, palace: Palace, term: Term, values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - COURSE_FIELDS
    if unknown:
        raise TypeError(f"unknown course fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = [_("Give the course a title.")]
    centre = values.get("centre")
    if centre not in Centre.values:
        errors["centre"] = [_("Choose a centre.")]
    venue = values.get("venue")
    if not isinstance(venue, Venue) or venue.palace_id != palace.pk:
        errors["venue"] = [_("Choose a venue of this palace.")]
    weekdays = values.get("weekdays") or []
    try:
        weekdays = sorted({int(d) for d in weekdays})
    except (TypeError, ValueError):
        weekdays = []
    if not weekdays or any(d not in WEEKDAYS for d in weekdays):
        errors["weekdays"] = [_("Choose at least one weekday.")]
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts, time) or not isinstance(ends, time):
        errors["starts_at"] = [_("Give the times of day.")]
    elif starts >= ends:
        errors["ends_at"] = [_("The end must be after the start.")]
    capacity = values.get("capacity")
    if not isinstance(capacity, int) or not 1 <= capacity <= 1000:
        errors["capacity"] = [_("Between 1 and 1000 places.")]
    selection = values.get("selection") or Offering.Selection.FIRST_COME
    if selection not in Offering.Selection.values:
        errors["selection"] = [_("Choose first come or lottery.")]
    rounds = list(values.get("priority_rounds") or [])
    if any(r not in PriorityRound.values for r in rounds) or len(set(rounds)) != len(rounds):
        errors["priority_rounds"] = [_("Unknown or repeated priority round.")]
    fee = values.get("fee") or Decimal(0)
    try:
        fee = Decimal(str(fee))
    except ArithmeticError:
        fee = Decimal(-1)
    if fee < 0 or fee > Decimal("99999"):
        errors["fee"] = [_("Give a fee between 0 and 99,999 yuan.")]
    percent = values.get("completion_percent", 75)
    if not isinstance(percent, int) or not 1 <= percent <= 100:
        errors["completion_percent"] = [_("Between 1 and 100.")]
    if errors:
        raise InvalidInput(_("Please correct the course."), fields=errors)
    return {
        "title": title[:200],
        "centre": centre,
        "venue": venue,
        "teacher": (values.get("teacher") or "").strip()[:100],
        "partner": (values.get("partner") or "").strip()[:200],
        "weekdays": weekdays,
        "starts_at": starts,
        "ends_at": ends,
        "capacity": capacity,
        "selection": selection,
        "members_only": bool(values.get("members_only")),
        "fee": fee.quantize(Decimal("0.01")),
        "description": (values.get("description") or "").strip(),
        "picture": values.get("picture"),
        "priority_rounds": rounds if selection == Offering.Selection.LOTTERY else [],
        "completion_percent": percent,
    }


def _span(term: Term, clean: dict[str, Any]) -> tuple[datetime, datetime]:
    """First and last possible meeting of the schedule within the term."""
    return _aware(term.starts_on, clean["starts_at"]), _aware(term.ends_on, clean["ends_at"])


def course_create(
    *,
    actor,
    term: Term,
    section_of: Course | None = None,
    section_label: str = "",
    now: datetime | None = None,
    **values: Any,
) -> Course:
    """A new course of `term` (staff of the term's palace), as a draft, with its sessions planned.

    Its offering takes the term's enrolment window and course limit; its family is the first
    section's, so a person holds one section at most.
    """
    now = now or timezone.now()
    palace = term.palace
    _require_manager(actor, palace)
    clean = _course_values(palace=palace, term=term, values=values)
    plan = sessions_plan(
        palace=palace,
        venue=clean["venue"],
        weekdays=clean["weekdays"],
        starts_at=clean["starts_at"],
        ends_at=clean["ends_at"],
        first=max(term.starts_on, timezone.localtime(now).date()),
        last=term.ends_on,
    )
    held = [s for s in plan if not s.skipped]
    if not held:
        raise InvalidInput(
            _("The schedule has no session in the term (or every one falls on a closure)."),
            fields={"weekdays": [_("No session.")]},
        )
    with transaction.atomic():
        offering = Offering.objects.create(
            palace=palace,
            venue=clean["venue"],
            kind=Offering.Kind.COURSE,
            title=f"{clean['title']}（{section_label}）" if section_label else clean["title"],
            capacity=clean["capacity"],
            selection=clean["selection"],
            members_only=clean["members_only"],
            fee=clean["fee"],
            opens_at=term.enrolment_opens if section_of is None else now,
            closes_at=term.enrolment_closes
            if section_of is None
            else max(term.enrolment_closes, now + timedelta(days=7)),
            starts_at=held[0].start,
            ends_at=held[-1].end,
            limit_group=term.limit_group,
            group_limit=term.max_courses,
            # A section opened for a drawn course's waitlist is first come: its places go by offers.
            drawn_at=now
            if section_of is not None and clean["selection"] == Offering.Selection.LOTTERY
            else None,
        )
        course = Course(
            palace=palace,
            term=term,
            offering=offering,
            section_of=section_of,
            section_label=section_label[:30],
            created_by=actor,
            **{
                k: v
                for k, v in clean.items()
                if k not in {"capacity", "selection", "members_only", "fee", "picture"}
            },
        )
        if clean["picture"]:
            course.picture = clean["picture"]
        course.save()
        offering.family = f"course:{course.root.pk}"
        offering.save(update_fields=["family"])
        _write_sessions(course, plan, now=now)
    return course


def course_update(*, actor, course: Course, now: datetime | None = None, **values: Any) -> Course:
    """Change a course. A new schedule or venue re-plans the future sessions (not those with
    attendance). Places may not drop below those held (`capacity_below_taken`); more places go to
    the waitlist. Selection cannot change once anyone has signed up (`selection_locked`).
    """
    now = now or timezone.now()
    _require_manager(actor, course.palace)
    clean = _course_values(palace=course.palace, term=course.term, values=values)
    with transaction.atomic():
        course = (
            Course.objects.select_for_update(of=("self",))
            .select_related("offering", "term")
            .get(pk=course.pk)
        )
        offering = course.offering
        signed_up = Booking.objects.filter(offering=offering).exists()
        if signed_up and clean["selection"] != offering.selection:
            raise RuleViolation(
                _("People have already signed up; the selection can no longer change."),
                code="selection_locked",
            )
        schedule_changed = (
            clean["weekdays"] != course.weekdays
            or clean["starts_at"] != course.starts_at
            or clean["ends_at"] != course.ends_at
            or clean["venue"].pk != course.venue_id
        )
        for name in ("title", "centre", "venue", "teacher", "partner", "weekdays", "starts_at", "ends_at"):
            setattr(course, name, clean[name])
        for name in ("description", "priority_rounds", "completion_percent"):
            setattr(course, name, clean[name])
        if clean["picture"]:
            course.picture = clean["picture"]
        course.save()
        offering.title = str(course)
        offering.selection = clean["selection"]
        offering.members_only = clean["members_only"]
        offering.fee = clean["fee"]
        offering.venue = clean["venue"]
        if schedule_changed:
            plan = sessions_plan(
                palace=course.palace,
                venue=course.venue,
                weekdays=course.weekdays,
                starts_at=course.starts_at,
                ends_at=course.ends_at,
                first=max(course.term.starts_on, timezone.localtime(now).date()),
                last=course.term.ends_on,
            )
            _write_sessions(course, plan, now=now)
            held = list(Occurrence.objects.filter(offering=offering, cancelled=False).order_by("start"))
            if not held:
                raise InvalidInput(
                    _("The schedule has no session in the term (or every one falls on a closure)."),
                    fields={"weekdays": [_("No session.")]},
                )
            offering.starts_at, offering.ends_at = held[0].start, held[-1].end
            Booking.objects.filter(offering=offering).update(
                start=offering.starts_at,
                end=offering.ends_at,
                local_date=timezone.localtime(offering.starts_at).date(),
                venue=course.venue,
            )
        offering.save()
        if clean["capacity"] != offering.capacity:
            offerings.offering_capacity_change(offering=offering, capacity=clean["capacity"], now=now)
    return course


def course_publish(*, actor, course: Course) -> Course:
    """Show the course in the catalogue and let people sign up in its window."""
    _require_manager(actor, course.palace)
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        if course.state == Course.State.CANCELLED:
            raise RuleViolation(_("A cancelled course cannot be published."), code="cancelled")
        course.state = Course.State.PUBLISHED
        course.save(update_fields=["state"])
        Offering.objects.filter(pk=course.offering_id).update(published=True)
    return course


def course_cancel(*, actor, course: Course, reason: str, now: datetime | None = None) -> Course:
    """Cancel the course: every sign-up ends and its holder is told why (reason required)."""
    from bookings.services.booking import booking_cancel

    now = now or timezone.now()
    _require_manager(actor, course.palace)
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the course is cancelled; the people enrolled will see it.")
        raise InvalidInput(message, fields={"reason": [message]})
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        if course.state == Course.State.CANCELLED:
            raise RuleViolation(_("The course is already cancelled."), code="cancelled")
        course.state = Course.State.CANCELLED
        course.save(update_fields=["state"])
        Offering.objects.filter(pk=course.offering_id).update(cancelled=True)
        for booking in Booking.objects.filter(offering_id=course.offering_id, status__in=Booking.OPEN):
            booking_cancel(actor=actor, booking=booking, reason=reason, now=now)
    return course


# --- Overflow and sections -------------------------------------------------------------------------


@dataclass(frozen=True)
class Demand:
    capacity: int
    enrolled: int
    applied: int
    waitlisted: int
    factor: Decimal

    @property
    def wanting(self) -> int:
        """Everyone who asked: holders, applicants and those waiting."""
        return self.enrolled + self.applied + self.waitlisted

    @property
    def overflowing(self) -> bool:
        """More people want it than it has places, by the term's factor."""
        return self.wanting > self.capacity and Decimal(self.wanting) >= self.factor * self.capacity


def section_open(
    *,
    actor,
    course: Course,
    weekdays: Iterable[int],
    starts_at: time,
    ends_at: time,
    venue: Venue,
    capacity: int,
    section_label: str = "",
    now: datetime | None = None,
) -> Course:
    """Open another section of `course` (same course, new time or venue) and offer its places to
    the course's waitlist first, in queue order. Published at once; staff of the palace only.
    """
    now = now or timezone.now()
    root = course.root
    _require_manager(actor, root.palace)
    if root.state != Course.State.PUBLISHED:
        raise RuleViolation(_("Only a published course can get another section."), code="not_published")
    label = (section_label or "").strip() or _("Section %(n)d") % {"n": root.sections.count() + 2}
    with transaction.atomic():
        section = course_create(
            actor=actor,
            term=root.term,
            section_of=root,
            section_label=label,
            now=now,
            title=root.title,
            centre=root.centre,
            venue=venue,
            teacher=root.teacher,
            partner=root.partner,
            weekdays=list(weekdays),
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            selection=root.offering.selection,
            members_only=root.offering.members_only,
            fee=root.offering.fee,
            description=root.description,
            priority_rounds=[],
            completion_percent=root.completion_percent,
        )
        section.state = Course.State.PUBLISHED
        section.save(update_fields=["state"])
        offering = section.offering
        offering.published = True
        offering.save(update_fields=["published"])
        # The course's waiting people, in their queue's order, are offered the new places first.
        offerings.offering_invite_waitlist(offering=offering, source=root.offering, now=now)
    return section


# --- The lottery -----------------------------------------------------------------------------------


def _draw_key(seed: str, booking_id: int) -> str:
    return hashlib.sha256(f"{seed}:{booking_id}".encode()).hexdigest()


def _round_of(booking: Booking, rounds: list[str], *, first_timers: set[int]) -> int:
    for index, key in enumerate(rounds):
        if key == PriorityRound.FIRST_TIMER and booking.user_id in first_timers:
            return index
        if key == PriorityRound.NEW_FORM_WORKER and booking.user.new_form_worker:
            return index
        if key == PriorityRound.MEMBER and booking.user.is_member:
            return index
    return len(rounds)


def draw_order(seed: str, applications: list[tuple[int, int]]) -> list[dict]:
    """The draw: (booking id, round) pairs ordered by round, then by SHA-256("<seed>:<id>").

    Public and pure, so that anyone holding the seed and the list can check a draw.
    """
    keyed = [{"booking": pk, "round": rnd, "key": _draw_key(seed, pk)} for pk, rnd in applications]
    return sorted(keyed, key=lambda row: (row["round"], row["key"]))


def lottery_draw(
    *, actor, course: Course, seed: str | None = None, now: datetime | None = None
) -> LotteryDraw:
    """Draw the course's lottery after enrolment closed (staff of the palace; once).

    The seed (fresh from `secrets` unless given), the priority rounds and the order are kept in a
    `LotteryDraw`; the first in order take the places, the rest wait in draw order and get offers
    as places free up. Refusals (409): `not_lottery`, `enrolment_open`, `already_drawn`.
    """
    _require_manager(actor, course.palace)
    return _draw(course=course, actor=actor, seed=seed, now=now or timezone.now())


def lotteries_draw_due(*, now: datetime | None = None) -> int:
    """Beat: draw every lottery whose enrolment has closed and that staff have not drawn yet.

    Each draw is its own transaction; one that meanwhile was drawn by staff is skipped.
    """
    now = now or timezone.now()
    drawn = 0
    for course in Course.objects.filter(pk__in=lotteries_due(now=now)):
        try:
            _draw(course=course, actor=None, seed=None, now=now)
        except RuleViolation:
            continue
        drawn += 1
    return drawn


def _draw(*, course: Course, actor, seed: str | None, now: datetime) -> LotteryDraw:
    seed = seed or secrets.token_hex(16)
    with transaction.atomic():
        course = Course.objects.select_for_update(of=("self",)).select_related("offering").get(pk=course.pk)
        offering = course.offering
        if not offering.is_lottery:
            raise RuleViolation(_("This course is first come, first served."), code="not_lottery")
        if offering.drawn_at is not None or LotteryDraw.objects.filter(course=course).exists():
            raise RuleViolation(_("The lottery has already been drawn."), code="already_drawn")
        if now < offering.closes_at:
            raise RuleViolation(_("The lottery is drawn after enrolment closes."), code="enrolment_open")
        applications = list(
            Booking.objects.filter(offering=offering, status=Status.PENDING)
            .select_related("user")
            .order_by("pk")
        )
        rounds = list(course.priority_rounds)
        first_timers = set()
        if PriorityRound.FIRST_TIMER in rounds:
            year = timezone.localtime(offering.starts_at).year
            had_class = set(
                Booking.objects.filter(
                    user_id__in=[b.user_id for b in applications],
                    offering__kind=Offering.Kind.COURSE,
                    status__in=(Status.CONFIRMED, Status.CHECKED_IN, Status.OFFERED),
                    local_date__year=year,
                )
                .exclude(offering=offering)
                .values_list("user_id", flat=True)
            )
            first_timers = {b.user_id for b in applications} - had_class
        order = draw_order(
            seed, [(b.pk, _round_of(b, rounds, first_timers=first_timers)) for b in applications]
        )
        offerings.offering_allocate(offering=offering, order=[row["booking"] for row in order], now=now)
        return LotteryDraw.objects.create(
            course=course,
            palace_id=course.palace_id,
            seed=seed,
            rounds=rounds,
            ordering=order,
            places=offering.capacity,
            applicants=len(applications),
            drawn_at=now,
            drawn_by=actor,
        )


def lotteries_due(*, now: datetime | None = None) -> list[int]:
    """Courses whose lottery closed and has not been drawn (for the staff desk's reminder)."""
    now = now or timezone.now()
    return list(
        Course.objects.filter(
            state=Course.State.PUBLISHED,
            offering__selection=Offering.Selection.LOTTERY,
            offering__drawn_at__isnull=True,
            offering__closes_at__lte=now,
        ).values_list("pk", flat=True)
    )


# --- Enrolments ------------------------------------------------------------------------------------


def enrolment_create(*, user, course: Course, now: datetime | None = None) -> Booking:
    """Enrol in (or apply for, or join the waitlist of) a published course.

    The outcome and refusals are `bookings.services.offering.offering_enrol`'s: `confirmed`
    (enrolled), `pending` (lottery applied) or `waitlisted`; 409 `enrolment_not_open`,
    `enrolment_closed`, `members_only`, `suspended`, `already_enrolled`, `limit_reached`.
    """
    if course.state != Course.State.PUBLISHED:
        raise NotFound()
    return offerings.offering_enrol(user=user, offering=course.offering, now=now)


def enrolment_withdraw(
    *, actor, enrolment: Booking, reason: str = "", now: datetime | None = None
) -> Booking:
    """Withdraw from a course or event (the worker, until it ends; staff of the palace, always).

    The place goes to the next person waiting, as an offer.
    """
    from bookings.services.booking import booking_cancel

    if enrolment.offering_id is None:
        raise NotFound()
    return booking_cancel(actor=actor, booking=enrolment, reason=reason, now=now)
