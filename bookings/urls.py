"""The worker's booking pages, included at the site's root: `path("", include("bookings.urls"))`."""

from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("venues/<int:pk>/book/", views.venue_book, name="venue_book"),
    path("venues/<int:pk>/availability/", views.availability, name="availability"),
    path("my/bookings/", views.my_bookings, name="my_bookings"),
    path("my/bookings/<int:pk>/", views.booking_detail, name="detail"),
    path("my/bookings/<int:pk>/qr.svg", views.booking_qr, name="qr"),
    path("my/bookings/<int:pk>/cancel/", views.booking_cancel, name="cancel"),
    path("my/bookings/<int:pk>/accept/", views.offer_accept, name="accept"),
    path("my/calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("my/suspension/", views.suspension, name="suspension"),
]
