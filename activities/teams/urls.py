"""Teams for workers: `path("teams/", include("activities.teams.urls"))`."""

from django.urls import path

from . import views

app_name = "teams"

urlpatterns = [
    path("mine/", views.my_teams, name="mine"),
    path("palaces/<int:palace_id>/", views.palace_teams, name="palace"),
    path("<int:pk>/", views.team_detail, name="team"),
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
