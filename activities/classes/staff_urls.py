"""Staff pages of the night school: `/staff/classes/<palace_id>/...`, in the `classes_staff`
namespace with the events' staff pages (`activities.events.staff_urls`); `activities.urls` mounts
both under `staff/`, before the palace desk's own `staff/` include. Everything hangs off the palace
in the URL."""

from django.urls import path

from activities.offerings import staff_views as sessions

from . import staff_views as views

_course = "classes/<int:palace_id>/courses/<int:course_id>"

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
        "classes/<int:palace_id>/sessions/<int:occurrence_id>/roll-call/",
        sessions.roll_call,
        name="roll_call",
    ),
]
