"""Courses, events and enrolments endpoints, part of the `activities_api` namespace."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("courses", views.CourseViewSet, basename="course")
router.register("events", views.EventViewSet, basename="event")
router.register("enrolments", views.EnrolmentViewSet, basename="enrolment")

urlpatterns = router.urls
