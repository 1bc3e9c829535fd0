"""Activities endpoints, included under `/api/v1/`: the activity ledger; courses, events and
enrolments (API.md, "Classes and events")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import classes, views

app_name = "activities_api"

router = SimpleRouter()
router.register("courses", classes.CourseViewSet, basename="course")
router.register("events", classes.EventViewSet, basename="event")
router.register("enrolments", classes.EnrolmentViewSet, basename="enrolment")

urlpatterns = [
    path("activities/", views.ActivityListCreateApi.as_view(), name="activity-list"),
    *router.urls,
]
