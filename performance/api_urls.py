"""Endpoints of performance management under /api/v1/: each sub-domain adds its URLs here."""

from django.urls import include, path

urlpatterns: list = [
    path("", include("performance.ledgers.api.urls")),
    # Rankings (比学赶超): /rankings/.
    path("", include("performance.rankings.api_urls")),
    # The standardisation evaluation: /evaluations/schemes/, /evaluations/.
    path("", include("performance.evaluation.api.urls")),
]
