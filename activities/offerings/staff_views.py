"""The roll call of one session (a course's, or an event's): tick who is there, save.

Prefilled with the attendance already recorded (code check-ins included); saving makes exactly
the ticked people present (`attendance_roll_call`). Refusals are shown on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bookings.services.offering import attendance_roll_call
from palace_portal.errors import InvalidInput, PortalError
from venues.pages import palace_or_404, staff_page

from .forms import RollCallForm
from .selectors import roll_of
from .staff import head, occurrence_of


@staff_page
@require_http_methods(["GET", "POST"])
def roll_call(request, palace_id: int, occurrence_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    occurrence = occurrence_of(palace, occurrence_id)
    # The session's course or event, through the offering's reverse one-to-ones (one is absent).
    course = getattr(occurrence.offering, "course", None)
    event = None if course else getattr(occurrence.offering, "event", None)
    enrolments, present = roll_of(occurrence)
    form = RollCallForm(request.POST or None, enrolments=enrolments, initial={"present": sorted(present)})
    refusal = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = attendance_roll_call(
                    actor=request.user, occurrence=occurrence, present=form.cleaned_data["present"]
                )
            except InvalidInput as error:
                form.add_error(None, str(error.message))
                status = 400
            except PortalError as error:
                refusal, status = error, error.status
            else:
                messages.success(
                    request,
                    _("Roll call saved: %(present)d present (%(added)d added, %(removed)d removed).")
                    % {
                        "present": len(form.cleaned_data["present"]),
                        "added": result["added"],
                        "removed": result["removed"],
                    },
                )
                return redirect("classes_staff:roll_call", palace.pk, occurrence.pk)
        else:
            status = 400
    ticked = present
    if form.is_bound:  # a refused roll call keeps what was ticked
        ticked = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
    context = head(request, palace, "events" if event else "classes") | {
        "occurrence": occurrence,
        "course": course,
        "event": event,
        "form": form,
        "rows": [(b, b.pk in ticked) for b in enrolments],
        "present_count": len(present),
        "refusal": refusal,
    }
    return render(request, "activities/staff/roll_call.html", context, status=status)
