import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from palace_portal.api import api_not_found
from palace_portal.users import views as user_views
from palace_portal.views import favicon, health
from venues import views as venue_views

api_v1 = [
    path("health/", health, name="api-health"),
    path("", include("palace_portal.users.api_urls")),
    # Before venues: the bookings API answers /venues/{id}/availability/ (it counts bookings).
    path("", include("bookings.api.urls")),
    path("", include("venues.api.urls")),
    # Activities: /activities/, /courses/, /events/, /enrolments/, /ratings/, /wishes/, /surveys/.
    path("", include("activities.api.urls")),
    # The alliance: /alliance/members/, rotations, campaigns, calls, applications, subsidies,
    # calendar, growth, summary.
    path("", include("alliance.api.urls")),
    # Performance management: /ledgers/, /rankings/, /evaluations/.
    path("", include("performance.api_urls")),
    # Unknown API paths answer in the API's error format, not with an HTML page. Only paths
    # ending in a slash, so that CommonMiddleware can still add a forgotten one.
    re_path(r"^(?:.*/)?$", api_not_found),
]

urlpatterns = [
    # Pages without our <link rel="icon"> (the admin, the API docs) make browsers ask for this.
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    # Django's language switch, which also keeps a signed-in person's choice on their account.
    path("i18n/setlang/", user_views.language_set, name="set_language"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # The project's template: the stock one has an inline <style> that our CSP blocks.
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("accounts/", include("palace_portal.users.urls")),
    path("", venue_views.home, name="home"),
    # The personal calendar feed at its secret address: /calendar/<token>.ics (no sign-in).
    path("", include("bookings.urls_calendar")),
    # The worker's booking pages: /venues/<id>/book/, /venues/<id>/availability/, /my/...
    path("", include("bookings.urls")),
    # What palaces run (activities.urls): the activity ledger (/staff/ledger/...), classes and
    # events (/classes/..., /events/..., /staff/classes/..., /staff/events/...), worker voice
    # (/voice/..., /staff/voice/...) and ratings (/ratings/..., /staff/ratings/...).
    path("", include("activities.urls")),
    # The palace desk: today's bookings, check-in, requests, duty roster, rules, suspensions.
    path("staff/", include("bookings.staff_urls")),
    # The alliance workspace of provincial (and, read-only, city) officers: roster, rotations,
    # campaigns, hosting calls, reviews, subsidies (/alliance/manage/...).
    path("alliance/manage/", include("alliance.manage_urls")),
    # The alliance: the public event calendar and palace staff's pages (/alliance/calendar/,
    # /alliance/palace/<palace_id>/...).
    path("alliance/", include("alliance.urls")),
    # Performance management: monthly ledgers, rankings, the evaluation, dashboards.
    path("performance/", include("performance.urls")),
    path("", include("venues.urls")),
]

handler400 = "palace_portal.views.bad_request"
handler403 = "palace_portal.views.permission_denied"
handler404 = "palace_portal.views.page_not_found"
handler500 = "palace_portal.views.server_error"

# Uploaded files (course pictures, the demo's) on a laptop; in production the web server serves
# MEDIA_ROOT. Not `django.conf.urls.static.static()`: it adds nothing when DEBUG is off, which is
# how `make run` runs, so every picture of the demo answered 404 there.
if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
