"""The enrolments' endpoints (`/enrolments/`, courses and events alike), part of the
`activities_api` namespace (see `activities.api.urls`)."""

from rest_framework.routers import SimpleRouter

from .enrolments import EnrolmentViewSet

router = SimpleRouter()
router.register("enrolments", EnrolmentViewSet, basename="enrolment")

urlpatterns = router.urls
