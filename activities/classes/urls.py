"""The workers' pages of the night school: `/classes/...`. Part of the `classes` namespace with the
events' pages (`activities.events.urls`); `activities.urls` mounts both at the site root."""

from django.urls import path

from activities.offerings import views as signups

from . import views

urlpatterns = [
    path("classes/", views.catalogue, name="catalogue"),
    path("classes/mine/", views.my_classes, name="mine"),
    path("classes/<int:pk>/", views.course_detail, name="course"),
    path("classes/<int:pk>/enrol/", views.course_enrol, name="enrol"),
    path("classes/enrolments/<int:pk>/withdraw/", signups.signup_withdraw, name="withdraw"),
    path("classes/enrolments/<int:pk>/accept/", signups.signup_accept, name="accept"),
    path("classes/enrolments/<int:pk>/qr.svg", signups.signup_qr, name="qr"),
    path("classes/enrolments/<int:pk>/ics/", signups.signup_ics, name="ics"),
    path("classes/enrolments/<int:pk>/certificate/", views.certificate, name="certificate"),
]
