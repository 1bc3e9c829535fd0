"""Enrolling in a course (withdrawing is `activities.offerings.services.enrolment_withdraw`, shared
with events)."""

from __future__ import annotations

from datetime import datetime

from activities.classes.models import Course
from bookings.models import Booking
from bookings.services import offering as offerings
from palace_portal.errors import NotFound

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
