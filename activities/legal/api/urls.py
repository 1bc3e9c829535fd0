"""Legal-help endpoints, included under `/api/v1/`."""

from rest_framework.routers import SimpleRouter

from . import views

app_name = "legal_api"

router = SimpleRouter()
router.register("legal-cases", views.LegalCaseViewSet, basename="case")

urlpatterns = router.urls
