"""Bookings endpoints, included under `/api/v1/` BEFORE `venues.api.urls` (the availability of a
venue lives here: it counts bookings, and venues may not import bookings)."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "bookings_api"

router = SimpleRouter()
router.register("bookings", views.BookingViewSet, basename="booking")

urlpatterns = [
    *router.urls,
    # Any id reaches the view, so that `/venues/1.5/availability/` is a JSON 404 too.
    re_path(
        r"^venues/(?P<id>[^/]+)/availability/$",
        views.VenueAvailabilityApi.as_view(),
        name="venue-availability",
    ),
    path("calendar/feed/", views.CalendarFeedApi.as_view(), name="calendar-feed"),
    path("calendar/feed/reset/", views.CalendarFeedResetApi.as_view(), name="calendar-feed-reset"),
]
