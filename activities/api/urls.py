"""Activity ledger endpoints, included under `/api/v1/`."""

from django.urls import path

from . import views

app_name = "activities_api"

urlpatterns = [
    path("activities/", views.ActivityListCreateApi.as_view(), name="activity-list"),
]
