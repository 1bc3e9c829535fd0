"""The palace desk, mounted at /staff/: `path("staff/", include("bookings.staff_urls"))`."""

from django.urls import path

from . import staff_views as views

app_name = "bookings_staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("switch/", views.switch, name="switch"),
    path("palaces/<int:palace_id>/today/", views.today, name="today"),
    path("palaces/<int:palace_id>/check-in/", views.check_in, name="check_in"),
    path("palaces/<int:palace_id>/requests/", views.requests_list, name="requests"),
    path(
        "palaces/<int:palace_id>/requests/<int:booking_id>/decide/",
        views.request_decide,
        name="request_decide",
    ),
    path("palaces/<int:palace_id>/roster/", views.roster, name="roster"),
    path("palaces/<int:palace_id>/roster/<int:shift_id>/", views.shift_edit, name="shift_edit"),
    path("palaces/<int:palace_id>/roster/<int:shift_id>/delete/", views.shift_delete, name="shift_delete"),
    path("palaces/<int:palace_id>/appointments/", views.appointments, name="appointments"),
    path("palaces/<int:palace_id>/appointments/reads/", views.matter_reads, name="matter_reads"),
    path("palaces/<int:palace_id>/bookings/<int:booking_id>/", views.booking_detail, name="booking"),
    path("palaces/<int:palace_id>/bookings/<int:booking_id>/matter/", views.matter, name="matter"),
    path("palaces/<int:palace_id>/venues/", views.venues, name="venues"),
    path("venues/<int:venue_id>/rules/", views.rules, name="rules"),
    path("venues/<int:venue_id>/picture/", views.venue_picture, name="venue_picture"),
    path("palaces/<int:palace_id>/page/", views.palace_page, name="palace_page"),
    path("suspensions/", views.suspensions, name="suspensions"),
    path("suspensions/<int:suspension_id>/lift/", views.suspension_lift, name="suspension_lift"),
    path("suspensions/<int:suspension_id>/appeal/", views.appeal_decide, name="appeal_decide"),
]
