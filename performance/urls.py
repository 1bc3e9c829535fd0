"""Pages of performance management (/performance/...): each sub-domain adds its URLs here."""

from django.urls import include, path

app_name = "performance"

urlpatterns: list = [
    # The standardisation evaluation: /performance/evaluation/...
    path("evaluation/", include("performance.evaluation.urls")),
]
