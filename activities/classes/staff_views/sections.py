"""Another section of an overflowing course, in two steps.

Step 1: the new time, venue and places, beside the demand. Step 2: the sessions those give in the
rest of the term (closures marked) and how many waiting people will be offered places; confirming
calls `section_open`, which offers the places to the course's waitlist in its order.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from activities.classes import selectors, services
from activities.classes.models import Course
from activities.classes.staff_forms import SectionForm
from activities.classes.staff_views._common import course_of
from activities.offerings import selectors as signup_reads
from activities.offerings.staff import head
from bookings.models import Booking
from palace_portal.errors import InvalidInput, PortalError
from venues.pages import palace_or_404, staff_page


@staff_page
@require_http_methods(["GET", "POST"])
def section_new(request, palace_id: int, course_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    course = course_of(palace, course_id)
    root = course.root
    now = timezone.now()
    waiting = signup_reads.waiting_count(root.offering)
    context = head(request, palace, "classes") | {
        "course": course,
        "root": root,
        "term": root.term,
        "demand": selectors.course_demand(root),
        "waiting": waiting,
        "undrawn": root.offering.is_lottery and root.offering.drawn_at is None,
        "published": root.state == Course.State.PUBLISHED,
    }
    if request.method == "GET":
        form = SectionForm(
            palace=palace,
            initial={
                "weekdays": root.weekdays,
                "starts_at": root.starts_at,
                "ends_at": root.ends_at,
                "venue": root.venue_id,
                "capacity": root.offering.capacity,
            },
        )
        return render(request, "activities/staff/section_step1.html", context | {"form": form})

    form = SectionForm(request.POST, palace=palace)
    if not form.is_valid() or "back" in request.POST:
        status = 400 if form.errors else 200
        return render(request, "activities/staff/section_step1.html", context | {"form": form}, status=status)
    data = form.cleaned_data
    if "confirm" in request.POST:
        try:
            section = services.section_open(actor=request.user, course=root, now=now, **data)
        except InvalidInput as error:
            form.add_service_errors(error.fields or {None: [str(error.message)]})
            status = 400
        except PortalError as error:
            form.add_error(None, str(error.message))
            status = error.status
        else:
            offered = Booking.objects.filter(offering=section.offering, status=Booking.Status.OFFERED).count()
            messages.success(
                request,
                _("Section opened and published: %(offered)d waiting people were offered a place.")
                % {"offered": offered},
            )
            return redirect("classes_staff:course", palace.pk, section.pk)
        return render(request, "activities/staff/section_step1.html", context | {"form": form}, status=status)

    plan = services.sessions_plan(
        palace=palace,
        venue=data["venue"],
        weekdays=data["weekdays"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        first=max(root.term.starts_on, timezone.localtime(now).date()),
        last=root.term.ends_on,
    )
    plan = [s for s in plan if s.start > now]  # the service writes no session already begun
    held = sum(1 for s in plan if not s.skipped)
    if not held:
        form.add_error("weekdays", _("The schedule has no session in the rest of the term."))
        return render(request, "activities/staff/section_step1.html", context | {"form": form}, status=400)
    context |= {
        "form": form,
        "plan": plan,
        "held": held,
        "offers": min(waiting, data["capacity"]),
        "values": data,
    }
    return render(request, "activities/staff/section_step2.html", context)
