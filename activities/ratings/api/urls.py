"""Ratings endpoints under `/api/v1/` (namespace `ratings_api`)."""

from django.urls import path

from .views import RatingDetailApi, RatingListCreateApi, RatingPendingApi, RatingSummaryApi

app_name = "ratings_api"

urlpatterns = [
    path("ratings/", RatingListCreateApi.as_view(), name="list"),
    path("ratings/pending/", RatingPendingApi.as_view(), name="pending"),
    path("ratings/summary/", RatingSummaryApi.as_view(), name="summary"),
    path("ratings/<int:pk>/", RatingDetailApi.as_view(), name="detail"),
]
