"""Terms and the courses of a term."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import F
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from activities.classes import selectors, services
from activities.classes.models import Course, Term
from activities.classes.services import Demand
from activities.classes.staff_forms import TermForm
from activities.classes.staff_views import reads
from activities.classes.staff_views._common import lottery_due
from activities.offerings.staff import STATE_BADGES, head
from palace_portal.service_forms import save_with
from venues.pages import palace_or_404, staff_page


@staff_page
@require_GET
def terms(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="view")
    context = head(request, palace, "classes") | {
        "terms": list(reads.terms_of_palace(palace)),
        "due": list(reads.lotteries_due_in(palace, now=timezone.now())),
    }
    return render(request, "activities/staff/terms.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def term_new(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    form = TermForm(request.POST or None)
    if request.method == "POST":
        term = save_with(
            form, lambda values: services.term_create(actor=request.user, palace=palace, **values)
        )
        if term is not None:
            messages.success(request, _("Term created. Now add its courses."))
            return redirect("classes_staff:term", palace.pk, term.pk)
    context = head(request, palace, "classes") | {"form": form, "term": None}
    return render(request, "activities/staff/term_form.html", context, status=400 if form.errors else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def term_edit(request, palace_id: int, term_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    term = get_object_or_404(Term.objects.filter(palace=palace), pk=term_id)
    form = TermForm(request.POST or None, initial=TermForm.initial_of(term))
    if request.method == "POST":
        saved = save_with(form, lambda values: services.term_update(actor=request.user, term=term, **values))
        if saved is not None:
            messages.success(request, _("Term saved."))
            return redirect("classes_staff:term", palace.pk, term.pk)
    context = head(request, palace, "classes") | {"form": form, "term": term}
    return render(request, "activities/staff/term_form.html", context, status=400 if form.errors else 200)


@dataclass(frozen=True)
class CourseRow:
    course: Course
    demand: Demand
    due: bool
    badge: str

    @property
    def ratio(self) -> float:
        return self.demand.wanting / self.demand.capacity if self.demand.capacity else 0.0


@staff_page
@require_GET
def term_courses(request, palace_id: int, term_id: int):
    """The term's courses with their figures, lotteries to draw and overflowing demand."""
    palace = palace_or_404(request, palace_id, scope="view")
    term = get_object_or_404(Term.objects.filter(palace=palace), pk=term_id)
    now = timezone.now()
    courses = selectors.courses_with_counts(Course.objects.filter(term=term)).order_by(
        # Sections follow their course, courses by title.
        Coalesce("section_of__title", "title"),
        Coalesce("section_of_id", "pk"),
        F("section_of_id").asc(nulls_first=True),
        "pk",
    )
    rows = [
        CourseRow(
            course=course,
            demand=selectors.demand_of(course),
            due=lottery_due(course, now=now),
            badge=STATE_BADGES[course.state],
        )
        for course in courses
    ]
    context = head(request, palace, "classes") | {
        "term": term,
        "rows": rows,
        "overflowing": sum(1 for row in rows if row.demand.overflowing and row.course.state != "cancelled"),
        "now": now,
    }
    return render(request, "activities/staff/term_courses.html", context)
