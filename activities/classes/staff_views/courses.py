"""A course: create and edit (with a preview of its sessions), its staff page, publish, cancel."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities.classes import selectors, services
from activities.classes.models import LotteryDraw, PriorityRound, Term
from activities.classes.staff_forms import CourseForm
from activities.classes.staff_views import reads
from activities.classes.staff_views._common import course_of, lottery_due
from activities.offerings.staff import (
    STATE_BADGES,
    head,
    listing_cancel_page,
    listing_publish_page,
)
from palace_portal.service_forms import save_with
from venues.pages import palace_or_404, staff_page


def _plan(term: Term, values: dict, *, now: datetime) -> list[services.PlannedSession]:
    """The sessions a schedule would have in the rest of the term (closures marked); like the
    service, none that has already begun."""
    plan = services.sessions_plan(
        palace=term.palace,
        venue=values["venue"],
        weekdays=values["weekdays"],
        starts_at=values["starts_at"],
        ends_at=values["ends_at"],
        first=max(term.starts_on, timezone.localtime(now).date()),
        last=term.ends_on,
    )
    return [s for s in plan if s.start > now]


def _course_form_page(request, *, palace, term, form, course=None, plan=None, status=200):
    context = head(request, palace, "classes") | {
        "term": term,
        "course": course,
        "form": form,
        "plan": plan,
        "plan_held": sum(1 for s in plan if not s.skipped) if plan is not None else 0,
        "picture_dropped": bool(plan is not None and request.FILES.get("picture")),
    }
    return render(request, "activities/staff/course_form.html", context, status=status)


@staff_page
@require_http_methods(["GET", "POST"])
def course_new(request, palace_id: int, term_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    term = get_object_or_404(Term.objects.filter(palace=palace).select_related("palace"), pk=term_id)
    form = CourseForm(request.POST or None, request.FILES or None, palace=palace)
    if request.method == "POST":
        if "preview" in request.POST and form.is_valid():
            plan = _plan(term, form.cleaned_data, now=timezone.now())
            return _course_form_page(request, palace=palace, term=term, form=form, plan=plan)
        course = save_with(
            form, lambda values: services.course_create(actor=request.user, term=term, **values)
        )
        if course is not None:
            messages.success(request, _("Saved as a draft. Check its sessions below, then publish it."))
            return redirect("classes_staff:course", palace.pk, course.pk)
    return _course_form_page(request, palace=palace, term=term, form=form, status=400 if form.errors else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def course_edit(request, palace_id: int, course_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    course = course_of(palace, course_id)
    term = course.term
    form = CourseForm(
        request.POST or None,
        request.FILES or None,
        palace=palace,
        initial=CourseForm.initial_of(course),
        current_picture=course.picture,
    )
    if request.method == "POST":
        if "preview" in request.POST and form.is_valid():
            plan = _plan(term, form.cleaned_data, now=timezone.now())
            return _course_form_page(request, palace=palace, term=term, form=form, course=course, plan=plan)
        saved = save_with(
            form, lambda values: services.course_update(actor=request.user, course=course, **values)
        )
        if saved is not None:
            messages.success(request, _("Course saved."))
            return redirect("classes_staff:course", palace.pk, course.pk)
    return _course_form_page(
        request, palace=palace, term=term, form=form, course=course, status=400 if form.errors else 200
    )


@staff_page
@require_GET
def course_detail(request, palace_id: int, course_id: int):
    """The course's staff page: sessions, the roster with attendance, the queues, sections."""
    palace = palace_or_404(request, palace_id, scope="manage")
    course = course_of(palace, course_id)
    now = timezone.now()
    records = selectors.course_attendance(course, now=now)
    queues = reads.course_queues(course)
    family = reads.course_family(course)
    draw = LotteryDraw.objects.filter(course=course).first() if course.offering.is_lottery else None
    sessions = reads.course_sessions(course)
    # Sessions from this time on are not open for a roll call yet (the check-in window).
    roll_call_until = now + timedelta(minutes=course.offering.checkin_opens_minutes)
    context = head(request, palace, "classes") | {
        "course": course,
        "term": course.term,
        "offering": course.offering,
        "badge": STATE_BADGES[course.state],
        "demand": selectors.course_demand(course),
        "sessions": sessions,
        "held_count": sum(1 for s in sessions if not s.cancelled),
        "skipped_count": sum(1 for s in sessions if s.cancelled),
        # The latest session open for a roll call (under way or just ended), for a quick link.
        "roll_session": next(
            (s for s in reversed(sessions) if not s.cancelled and s.start <= roll_call_until), None
        ),
        "records": records,
        "completed": sum(1 for r in records if r.completed),
        "queues": queues,
        "round_labels": [PriorityRound(r).label for r in course.priority_rounds if r in PriorityRound.values],
        "family": family if len(family) > 1 else [],
        "draw": draw,
        "due": lottery_due(course, now=now),
        "now": now,
        "roll_call_until": roll_call_until,
    }
    return render(request, "activities/staff/course_detail.html", context)


@staff_page
@require_POST
def course_publish(request, palace_id: int, course_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    course = course_of(palace, course_id)
    return listing_publish_page(
        request,
        publish=lambda: services.course_publish(actor=request.user, course=course),
        done=_("Published: workers can see the course and sign up in its window."),
        back=reverse("classes_staff:course", args=[palace.pk, course.pk]),
    )


@staff_page
@require_http_methods(["GET", "POST"])
def course_cancel(request, palace_id: int, course_id: int):
    """A confirmation page: who will be told, and the reason they will read."""
    palace = palace_or_404(request, palace_id, scope="manage")
    course = course_of(palace, course_id)
    return listing_cancel_page(
        request,
        listing=course,
        cancel=lambda reason: services.course_cancel(actor=request.user, course=course, reason=reason),
        already=_("The course is already cancelled."),
        done=_("The course is cancelled; everyone signed up has been told."),
        back=reverse("classes_staff:course", args=[palace.pk, course.pk]),
        template="activities/staff/course_cancel.html",
        context=head(request, palace, "classes")
        | {"course": course, "term": course.term, "demand": selectors.course_demand(course)},
    )
