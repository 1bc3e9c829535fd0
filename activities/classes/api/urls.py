"""The courses' endpoints (`/courses/`), in the `activities_api` namespace (see `activities.api.urls`)."""

from rest_framework.routers import SimpleRouter

from .views import CourseViewSet

router = SimpleRouter()
router.register("courses", CourseViewSet, basename="course")

urlpatterns = router.urls
