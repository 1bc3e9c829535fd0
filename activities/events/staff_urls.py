"""Staff pages of events: `/staff/events/<palace_id>/...`, in the `classes_staff` namespace (see
`activities.urls`)."""

from django.urls import path

from . import staff_views as views

_event = "events/<int:palace_id>/<int:event_id>"

urlpatterns = [
    path("events/<int:palace_id>/", views.events, name="events"),
    path("events/<int:palace_id>/new/", views.event_new, name="event_new"),
    path(f"{_event}/", views.event_detail, name="event"),
    path(f"{_event}/edit/", views.event_edit, name="event_edit"),
    path(f"{_event}/publish/", views.event_publish, name="event_publish"),
    path(f"{_event}/cancel/", views.event_cancel, name="event_cancel"),
]
