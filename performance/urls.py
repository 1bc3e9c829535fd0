"""Pages of performance management (/performance/...): each sub-domain adds its URLs here."""

from django.urls import include, path

app_name = "performance"

urlpatterns: list = [
    # The monthly ledger's workflow: a palace's months, one month, the review queue.
    path("", include("performance.workflow.urls")),
    # Dashboards, the landing after sign-in, exports: /performance/start/, /performance/dashboard/...
    path("", include("performance.dashboards.urls")),
    # Rankings (比学赶超): /performance/rankings/...
    path("", include("performance.rankings.urls")),
    # The standardisation evaluation: /performance/evaluation/...
    path("evaluation/", include("performance.evaluation.urls")),
]
