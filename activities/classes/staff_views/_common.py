"""Lookups the staff pages of the night school share: a course of the palace, and whether its
lottery is due. Everything courses share with events is `activities.offerings.staff`."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone

from bookings.models import Offering
from venues.models import Palace

from ..models import Course


def course_of(palace: Palace, course_id: int) -> Course:
    return get_object_or_404(
        Course.objects.filter(palace=palace).select_related(
            "offering", "term", "venue", "palace", "section_of"
        ),
        pk=course_id,
    )


def lottery_due(course: Course, *, now=None) -> bool:
    """Closed, undrawn and published: the staff should draw now."""
    offering = course.offering
    now = now or timezone.now()
    return (
        course.state == Course.State.PUBLISHED
        and offering.selection == Offering.Selection.LOTTERY
        and offering.drawn_at is None
        and offering.closes_at <= now
    )
