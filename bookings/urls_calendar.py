"""The personal calendar feed's secret address, included at the site's root:
`path("", include("bookings.urls_calendar"))` → `/calendar/<token>.ics`."""

from django.urls import re_path

from . import views

app_name = "bookings_calendar"

urlpatterns = [
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$", views.calendar_feed, name="feed"),
]
