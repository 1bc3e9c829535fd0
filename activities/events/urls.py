"""The workers' pages of events: `/events/...`, in the `classes` namespace (see `activities.urls`)."""

from django.urls import path

from activities.offerings import views as signups

from . import views

urlpatterns = [
    path("events/", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/register/", views.event_signup, name="register"),
    path("events/registrations/<int:pk>/withdraw/", signups.signup_withdraw, name="event_withdraw"),
    path("events/registrations/<int:pk>/accept/", signups.signup_accept, name="event_accept"),
    path("events/registrations/<int:pk>/qr.svg", signups.signup_qr, name="event_qr"),
    path("events/registrations/<int:pk>/ics/", signups.signup_ics, name="event_ics"),
]
