"""A course's lottery: the page before the draw (applicants, places, rounds, a confirm button) and
the audit after it (seed, rounds, the whole order with each application's round and key).

The audit is a read (city officers see it, without names); drawing is for the palace's staff.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from activities.classes import selectors, services
from activities.classes.models import LotteryDraw, PriorityRound
from activities.classes.staff_views._common import course_of, lottery_due
from activities.offerings import selectors as signup_reads
from activities.offerings.staff import head, refuse, signup_status
from bookings.models import Booking
from palace_portal.errors import PortalError
from venues.pages import palace_or_404, staff_page


@dataclass(frozen=True)
class DrawRow:
    position: int
    booking: int
    round: int
    round_label: str
    key: str
    won: bool  # took a place in the draw (the first `places` of the order)
    signup: Booking | None  # for staff of the palace: who, and where they stand now
    status: tuple[str, str] | None


def _round_labels(rounds: list[str]) -> list[str]:
    labels = [str(PriorityRound(r).label) if r in PriorityRound.values else r for r in rounds]
    return [*labels, _("everyone else")]


def _audit(draw: LotteryDraw, *, with_names: bool) -> list[DrawRow]:
    labels = _round_labels(draw.rounds)
    signups = signup_reads.signups_by_id(draw.course.offering_id) if with_names else {}
    rows = []
    for position, row in enumerate(draw.ordering, start=1):
        signup = signups.get(row["booking"])
        rows.append(
            DrawRow(
                position=position,
                booking=row["booking"],
                round=row["round"] + 1,  # rounds are shown from 1, as on the course page
                round_label=labels[min(row["round"], len(labels) - 1)],
                key=row["key"],
                won=position <= draw.places,
                signup=signup,
                status=signup_status(signup) if signup is not None else None,
            )
        )
    return rows


@staff_page
@require_http_methods(["GET", "POST"])
def draw(request, palace_id: int, course_id: int):
    if request.method == "POST":
        palace = palace_or_404(request, palace_id, scope="manage")
        course = course_of(palace, course_id)
        try:
            result = services.lottery_draw(actor=request.user, course=course)
        except PortalError as error:
            refuse(request, error)
        else:
            messages.success(
                request,
                _("Drawn: %(won)d of %(applicants)d applicants have places; the rest wait in draw order.")
                % {"won": min(result.places, result.applicants), "applicants": result.applicants},
            )
        return redirect("classes_staff:draw", palace.pk, course.pk)

    palace = palace_or_404(request, palace_id, scope="view")
    course = course_of(palace, course_id)
    context = head(request, palace, "classes")
    draw_row = LotteryDraw.objects.filter(course=course).select_related("drawn_by", "course").first()
    context |= {
        "course": course,
        "term": course.term,
        "offering": course.offering,
        "draw": draw_row,
        "due": lottery_due(course),
        "now": timezone.now(),
    }
    if draw_row is None:
        context |= {
            "demand": selectors.course_demand(course),
            "round_labels": _round_labels(list(course.priority_rounds))[:-1],
        }
    else:
        context |= {
            "rows": _audit(draw_row, with_names=context["may_manage"]),
            "round_labels": _round_labels(draw_row.rounds)[:-1],
            "won": min(draw_row.places, draw_row.applicants),
        }
    return render(request, "activities/staff/draw.html", context)
