"""Back-office views of the alliance: read-only for provincial staff (the workspace pages write)."""

from django.contrib import admin

from palace_portal.admin_mixins import ReadOnlyMixin
from venues.admin.scoping import ProvincialAdmin

from .models import Campaign, HostingApplication, HostingCall, Membership, RotationTerm, Subsidy


@admin.register(Membership)
class MembershipAdmin(ReadOnlyMixin, ProvincialAdmin):
    list_display = ["palace", "joined_on", "left_on", "founding"]
    list_filter = ["founding"]
    list_select_related = ["palace"]
    date_hierarchy = "joined_on"


@admin.register(RotationTerm)
class RotationTermAdmin(ReadOnlyMixin, ProvincialAdmin):
    list_display = ["name", "starts_on", "ends_on"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyMixin, ProvincialAdmin):
    list_display = ["title", "organiser", "starts_on", "ends_on"]
    list_select_related = ["organiser"]


@admin.register(HostingCall)
class HostingCallAdmin(ReadOnlyMixin, ProvincialAdmin):
    list_display = ["title", "event_kind", "deadline", "budget", "status"]
    list_filter = ["status", "event_kind"]


@admin.register(HostingApplication)
class HostingApplicationAdmin(ReadOnlyMixin, ProvincialAdmin):
    list_display = ["call", "palace", "event_date", "requested_subsidy", "status"]
    list_filter = ["status"]
    list_select_related = ["call", "palace"]


@admin.register(Subsidy)
class SubsidyAdmin(ReadOnlyMixin, ProvincialAdmin):
    list_display = ["palace", "year", "call", "granted", "paid", "paid_on"]
    list_filter = ["year"]
    list_select_related = ["palace", "call"]
