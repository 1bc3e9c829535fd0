"""Evaluation endpoints, included under `/api/v1/` (all below `evaluations/`)."""

from rest_framework.routers import SimpleRouter

from . import views

app_name = "evaluation_api"

router = SimpleRouter()
# Schemes first: `evaluations/schemes/` must not be read as an evaluation's id.
router.register("evaluations/schemes", views.SchemeViewSet, basename="scheme")
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")

urlpatterns = router.urls
