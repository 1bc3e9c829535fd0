"""The workers' class and event pages, included at the site's root:
`path("", include("activities.class_urls"))` → `/classes/...` and `/events/...`."""

from django.urls import path

from activities.classes import views

app_name = "classes"

urlpatterns = [
    path("classes/", views.catalogue, name="catalogue"),
    path("classes/mine/", views.my_classes, name="mine"),
    path("classes/<int:pk>/", views.course_detail, name="course"),
    path("classes/<int:pk>/enrol/", views.course_enrol, name="enrol"),
    path("classes/enrolments/<int:pk>/withdraw/", views.signup_withdraw, name="withdraw"),
    path("classes/enrolments/<int:pk>/accept/", views.signup_accept, name="accept"),
    path("classes/enrolments/<int:pk>/qr.svg", views.signup_qr, name="qr"),
    path("classes/enrolments/<int:pk>/ics/", views.signup_ics, name="ics"),
    path("classes/enrolments/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("events/", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/register/", views.event_signup, name="register"),
    # A registration is withdrawn, accepted, shown and exported like an enrolment.
    path("events/registrations/<int:pk>/withdraw/", views.signup_withdraw, name="event_withdraw"),
    path("events/registrations/<int:pk>/accept/", views.signup_accept, name="event_accept"),
    path("events/registrations/<int:pk>/qr.svg", views.signup_qr, name="event_qr"),
    path("events/registrations/<int:pk>/ics/", views.signup_ics, name="event_ics"),
]
