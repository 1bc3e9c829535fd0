"""The alliance's public calendar and palace pages: `path("alliance/", include("alliance.urls"))`.

The provincial staff's pages live under /alliance/manage/ (their own include); these paths never
meet them: `calendar/`, `calendar.ics` and `palace/<palace_id>/...`.
"""

from django.urls import path

from . import views

app_name = "alliance"

_palace = "palace/<int:palace_id>"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar.ics", views.calendar_file, name="calendar_ics"),
    path(f"{_palace}/", views.hub, name="hub"),
    path(f"{_palace}/calls/<int:call_id>/apply/", views.apply, name="apply"),
    path(f"{_palace}/applications/<int:application_id>/withdraw/", views.withdraw, name="withdraw"),
    path(f"{_palace}/campaigns/<int:campaign_id>/", views.campaign_tags, name="campaign"),
]
