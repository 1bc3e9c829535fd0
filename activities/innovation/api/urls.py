"""Innovation endpoints (`/mentors/`, `/problems/`), included under `/api/v1/`."""

from rest_framework.routers import SimpleRouter

from . import views

app_name = "innovation_api"

router = SimpleRouter()
router.register("mentors", views.MentorViewSet, basename="mentor")
router.register("problems", views.ProblemViewSet, basename="problem")

urlpatterns = router.urls
