"""Worker voice endpoints (wishes, surveys), included under `/api/v1/` before the catch-all 404."""

from rest_framework.routers import SimpleRouter

from activities.voice.api import views as voice

app_name = "voice_api"

router = SimpleRouter()
router.register("wishes", voice.WishViewSet, basename="wish")
router.register("surveys", voice.SurveyViewSet, basename="survey")

urlpatterns = router.urls
