"""Team endpoints, included under `/api/v1/`."""

from rest_framework.routers import SimpleRouter

from . import views

app_name = "teams_api"

router = SimpleRouter()
router.register("teams", views.TeamViewSet, basename="team")

urlpatterns = router.urls
