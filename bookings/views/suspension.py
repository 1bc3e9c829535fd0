"""The worker's suspension page: why, until when, the no-shows it counted, and the appeal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from palace_portal.errors import PortalError

from .. import services
from ..forms import AppealForm
from ..models import Appeal, Suspension


@login_required
@require_http_methods(["GET", "POST"])
def suspension(request):
    """The worker's suspension (the one in force, else the latest): why, until when, the appeal."""
    now = timezone.now()
    user = request.user
    current = services.suspension_in_force(user, now=now)
    shown = current or Suspension.objects.filter(user=user).order_by("-starts_at").first()
    form = AppealForm(request.POST or None)
    status, error = 200, ""
    if request.method == "POST":
        if shown is None:
            raise Http404
        if form.is_valid():
            try:
                services.appeal_submit(user=user, suspension=shown, text=form.cleaned_data["text"])
            except PortalError as exc:
                if exc.status == 404:
                    raise Http404 from None
                if "text" in exc.fields:
                    form.add_error("text", exc.fields["text"])
                else:
                    error = str(exc.message)
                status = exc.status
            else:
                messages.success(request, _("Your appeal has been sent. Staff will decide and let you know."))
                return redirect("bookings:suspension")
        else:
            status = 400
    appeal = None
    no_shows = []
    if shown is not None:
        appeal = Appeal.objects.filter(suspension=shown).first()
        no_shows = list(shown.no_shows.select_related("venue", "palace").order_by("-start"))
    return render(
        request,
        "bookings/suspension.html",
        {
            "suspension": shown,
            "in_force": current is not None,
            "appeal": appeal,
            "no_shows": no_shows,
            "form": form,
            "may_appeal": current is not None and appeal is None,
            "error": error,
        },
        status=status,
    )
