"""Staff pages of classes and events: `path("staff/", include("activities.staff_class_urls"))`,
before the palace desk's own `staff/` include. Everything hangs off the palace in the URL."""

from django.urls import path

from activities.classes import staff_views as views

app_name = "classes_staff"

_course = "classes/<int:palace_id>/courses/<int:course_id>"
_event = "events/<int:palace_id>/<int:event_id>"

urlpatterns = [
    path("classes/<int:palace_id>/", views.terms, name="terms"),
    path("classes/<int:palace_id>/terms/new/", views.term_new, name="term_new"),
    path("classes/<int:palace_id>/terms/<int:term_id>/", views.term_courses, name="term"),
    path("classes/<int:palace_id>/terms/<int:term_id>/edit/", views.term_edit, name="term_edit"),
    path("classes/<int:palace_id>/terms/<int:term_id>/courses/new/", views.course_new, name="course_new"),
    path(f"{_course}/", views.course_detail, name="course"),
    path(f"{_course}/edit/", views.course_edit, name="course_edit"),
    path(f"{_course}/publish/", views.course_publish, name="course_publish"),
    path(f"{_course}/cancel/", views.course_cancel, name="course_cancel"),
    path(f"{_course}/draw/", views.draw, name="draw"),
    path(f"{_course}/sections/new/", views.section_new, name="section_new"),
    path(
        "classes/<int:palace_id>/sessions/<int:occurrence_id>/roll-call/", views.roll_call, name="roll_call"
    ),
    path("events/<int:palace_id>/", views.events, name="events"),
    path("events/<int:palace_id>/new/", views.event_new, name="event_new"),
    path(f"{_event}/", views.event_detail, name="event"),
    path(f"{_event}/edit/", views.event_edit, name="event_edit"),
    path(f"{_event}/publish/", views.event_publish, name="event_publish"),
    path(f"{_event}/cancel/", views.event_cancel, name="event_cancel"),
]
