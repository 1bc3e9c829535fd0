"""Teams for the palace: `path("staff/teams/", include("activities.teams.staff_urls"))`."""

from django.urls import path

from . import staff_views as views

app_name = "teams_staff"

urlpatterns = [
    path("<int:palace_id>/", views.teams, name="teams"),
    path("<int:palace_id>/new/", views.team_new, name="team_new"),
    path("<int:palace_id>/<int:team_id>/", views.team, name="team"),
    path("<int:palace_id>/<int:team_id>/edit/", views.team_edit, name="team_edit"),
    path("<int:palace_id>/<int:team_id>/hours/", views.hours, name="hours"),
    path("<int:palace_id>/requests/<int:request_id>/", views.decide, name="decide"),
    path("<int:palace_id>/members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
]
