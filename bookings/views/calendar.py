"""The worker's calendar feed: its secret address (shown under My bookings), resetting it, and the
feed itself.

The feed is a plain view, no sign-in (calendar apps send no headers); the token in the URL is the
credential. Unknown or reset tokens answer 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import calendars


def feed_url_of(request, user) -> str:
    """The absolute address of the user's feed (made on first use)."""
    feed = calendars.calendar_feed_for(user)
    return request.build_absolute_uri(reverse("bookings_calendar:feed", kwargs={"token": feed.token}))


@login_required
@require_POST
def calendar_reset(request):
    calendars.calendar_feed_reset(user=request.user)
    messages.success(
        request,
        _("Your calendar address has changed and the old one no longer works: subscribe again."),
    )
    return redirect(reverse("bookings:my_bookings") + "#calendar")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = calendars.calendar_feed_user(token)
    if user is None:
        raise Http404
    response = HttpResponse(calendars.feed_ics(user), content_type="text/calendar; charset=utf-8")
    # A secret address: keep it out of shared caches and out of the Referer of other sites.
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    return response
