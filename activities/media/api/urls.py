"""The news endpoint: `/api/v1/news/` (namespace `news_api`)."""

from rest_framework.routers import SimpleRouter

from .views import NewsViewSet

app_name = "news_api"

router = SimpleRouter()
router.register("news", NewsViewSet, basename="article")

urlpatterns = router.urls
