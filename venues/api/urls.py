"""Network endpoints, included under `/api/v1/`."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from ..circle.api import ServicePointViewSet
from . import views

app_name = "venues_api"

router = SimpleRouter()
router.register("palaces", views.PalaceViewSet, basename="palace")
router.register("venues", views.VenueViewSet, basename="venue")
router.register("service-points", ServicePointViewSet, basename="service-point")

urlpatterns = [
    *router.urls,
    path("network/summary/", views.NetworkSummaryApi.as_view(), name="network-summary"),
]
