"""The activity ledger's endpoint, part of the `activities_api` namespace (see `activities.api.urls`)."""

from django.urls import path

from .views import ActivityListCreateApi

urlpatterns = [
    path("activities/", ActivityListCreateApi.as_view(), name="activity-list"),
]
