"""The alliance workspace of provincial staff, mounted at /alliance/manage/ (alliance.manage)."""

from django.urls import path

from .manage import applications, calls, campaigns, home, roster, rotations, subsidies

app_name = "alliance_manage"

urlpatterns = [
    path("", home.home, name="home"),
    path("roster/", roster.roster, name="roster"),
    path("roster/members.csv", roster.roster_csv, name="roster_csv"),
    path("roster/join/", roster.join, name="join"),
    path("roster/<int:palace_id>/leave/", roster.leave, name="leave"),
    path("rotations/", rotations.rotations, name="rotations"),
    path("rotations/new/", rotations.rotation_new, name="rotation_new"),
    path("rotations/<int:pk>/", rotations.rotation, name="rotation"),
    path("rotations/<int:pk>/edit/", rotations.rotation_edit, name="rotation_edit"),
    path("campaigns/", campaigns.campaigns, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaigns.campaign, name="campaign"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("calls/", calls.calls, name="calls"),
    path("calls/new/", calls.call_new, name="call_new"),
    path("calls/<int:pk>/", calls.call, name="call"),
    path("calls/<int:pk>/edit/", calls.call_edit, name="call_edit"),
    path("calls/<int:pk>/open/", calls.call_open, name="call_open"),
    path("calls/<int:pk>/close/", calls.call_close, name="call_close"),
    path("applications/<int:pk>/", applications.application, name="application"),
    path("applications/<int:pk>/review/", applications.application_review, name="application_review"),
    path("applications/<int:pk>/decide/", applications.application_decide, name="application_decide"),
    path("applications/<int:pk>/grant/", applications.subsidy_grant, name="subsidy_grant"),
    path("applications/<int:pk>/pay/", applications.subsidy_pay, name="subsidy_pay"),
    path("subsidies/", subsidies.subsidies, name="subsidies"),
]
