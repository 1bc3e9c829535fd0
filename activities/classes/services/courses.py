"""Terms, courses and their sections; the lottery; completion.

A course's places, sign-ups (enrolments), waitlist, offers, check-in and messages are a bookings
`Offering` and its bookings (`bookings.services.offering`): this module keeps what is particular
to classes: the term and its limit, the weekly schedule turned into sessions (skipping the
palace's closures), priority rounds and the auditable draw, overflow and new sections.

Staff of the course's palace (`activities.access.require_manager`) may do all of this; for anyone
else the course does not exist (`NotFound`).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.access import require_manager as _require_manager
from activities.classes.models import Course, PriorityRound, Term
from activities.offerings.services import Refusals, listing_cancel, listing_publish
from bookings.models import Booking, Occurrence, Offering
from bookings.services import offering as offerings
from palace_portal.errors import InvalidInput, RuleViolation
from palace_portal.images import apply_picture, picture_input
from venues.kinds import Centre
from venues.models import Palace, Venue

from .schedule import WEEKDAYS, _aware, _write_sessions, sessions_plan

Status = Booking.Status

# --- Courses ---------------------------------------------------------------------------------------

COURSE_FIELDS = frozenset(
    {
        "title",
        "centre",
        "venue",
        "teacher",
        "skill_training",
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
        "picture_alt",
        "picture_clear",
        "priority_rounds",
        "completion_percent",
    }
)


def _course_values(
    *, palace: Palace, term: Term, values: dict[str, Any], current_picture=None
) -> dict[str, Any]:
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
    skill_training = bool(values.get("skill_training"))
    if skill_training and fee > 0:
        errors["fee"] = [_("A free skill training has no fee.")]
    picture = picture_input(values, current=current_picture, errors=errors)
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
        "picture": picture,
        "priority_rounds": rounds if selection == Offering.Selection.LOTTERY else [],
        "completion_percent": percent,
        "skill_training": skill_training,
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
        apply_picture(course, clean["picture"])
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
    clean = _course_values(
        palace=course.palace, term=course.term, values=values, current_picture=course.picture
    )
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
        for name in ("description", "priority_rounds", "completion_percent", "skill_training"):
            setattr(course, name, clean[name])
        apply_picture(course, clean["picture"])
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


_REFUSALS = Refusals(
    cannot_publish=gettext_lazy("A cancelled course cannot be published."),
    reason_required=gettext_lazy("Say why the course is cancelled; the people enrolled will see it."),
    already_cancelled=gettext_lazy("The course is already cancelled."),
)


def course_publish(*, actor, course: Course) -> Course:
    """Show the course in the catalogue and let people sign up in its window."""
    return listing_publish(actor=actor, listing=course, refusals=_REFUSALS)


def course_cancel(*, actor, course: Course, reason: str, now: datetime | None = None) -> Course:
    """Cancel the course: every sign-up ends and its holder is told why (reason required)."""
    return listing_cancel(actor=actor, listing=course, reason=reason, refusals=_REFUSALS, now=now)
