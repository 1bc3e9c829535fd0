"""Employment's endpoints, namespace `employment_api` (see `activities.api.urls`)."""

from rest_framework.routers import SimpleRouter

from .views import JobApplicationViewSet, JobViewSet, StaffPostingViewSet

app_name = "employment_api"

router = SimpleRouter()
router.register("jobs", JobViewSet, basename="job")
router.register("job-applications", JobApplicationViewSet, basename="job-application")
router.register("job-postings", StaffPostingViewSet, basename="job-posting")

urlpatterns = router.urls
