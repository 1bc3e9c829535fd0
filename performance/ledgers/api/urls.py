"""Ledger endpoints, included under /api/v1/ by `performance.api_urls`."""

from django.urls import path

from . import views

urlpatterns = [
    path("ledgers/", views.LedgerListApi.as_view(), name="ledger-list"),
    path("ledgers/metrics/", views.LedgerMetricsApi.as_view(), name="ledger-metrics"),
]
