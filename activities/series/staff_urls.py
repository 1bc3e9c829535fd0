"""Staff pages of series: `/staff/series/<palace_id>/...` (namespace `series_staff`)."""

from django.urls import path

from . import views

app_name = "series_staff"

urlpatterns = [
    path("<int:palace_id>/", views.staff_series, name="list"),
    path("<int:palace_id>/<int:series_id>/edit/", views.staff_series_edit, name="edit"),
]
