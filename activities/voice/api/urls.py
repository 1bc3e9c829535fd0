"""Worker voice endpoints (wishes, surveys), included under `/api/v1/` before the catch-all 404."""

from rest_framework.routers import SimpleRouter

from . import surveys, wishes

app_name = "voice_api"

router = SimpleRouter()
router.register("wishes", wishes.WishViewSet, basename="wish")
router.register("surveys", surveys.SurveyViewSet, basename="survey")

urlpatterns = router.urls
