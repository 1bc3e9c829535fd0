"""Overflow and new sections: when demand passes the places by the term's factor, staff open
another section of the course (its own time, venue and places; one section per person)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.access import require_manager as _require_manager
from activities.classes.models import Course
from bookings.services import offering as offerings
from palace_portal.errors import RuleViolation
from venues.models import Venue

from .courses import course_create

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
