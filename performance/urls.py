"""Pages of performance management (/performance/...): each sub-domain adds its URLs here."""

from django.urls import include, path

app_name = "performance"

urlpatterns: list = [
    # The monthly ledger's workflow: a palace's months, one month, the review queue.
    path("", include("performance.workflow.urls")),
]
