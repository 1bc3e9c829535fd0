"""The personal calendar feed at its secret address: a plain view, no sign-in (calendar apps send
no headers); the token in the URL is the credential. Unknown or reset tokens answer 404."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from .calendars import calendar_feed_user, feed_ics


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = calendar_feed_user(token)
    if user is None:
        raise Http404
    response = HttpResponse(feed_ics(user), content_type="text/calendar; charset=utf-8")
    # A secret address: keep it out of shared caches and out of the Referer of other sites.
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    return response
