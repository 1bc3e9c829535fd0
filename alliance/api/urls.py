"""Alliance endpoints, included under `/api/v1/` (all below `alliance/`)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "alliance_api"

router = SimpleRouter()
router.register("alliance/members", views.MemberViewSet, basename="member")
router.register("alliance/rotations", views.RotationViewSet, basename="rotation")
router.register("alliance/campaigns", views.CampaignViewSet, basename="campaign")
router.register("alliance/calls", views.CallViewSet, basename="call")
router.register("alliance/applications", views.ApplicationViewSet, basename="application")
router.register("alliance/subsidies", views.SubsidyViewSet, basename="subsidy")
router.register("alliance/calendar", views.CalendarViewSet, basename="calendar")

urlpatterns = [
    *router.urls,
    path("alliance/growth/", views.GrowthApi.as_view(), name="growth"),
    path("alliance/summary/", views.SummaryApi.as_view(), name="summary"),
]
