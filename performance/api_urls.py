"""Endpoints of performance management under /api/v1/: each sub-domain adds its URLs here."""

urlpatterns: list = []
