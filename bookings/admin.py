"""Back-office views of bookings: read-only (writes go through the services and the staff pages)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from palace_portal.admin_mixins import ReadOnlyMixin
from venues.admin.scoping import PalaceScopedAdmin, ProvincialAdmin

from .models import Booking, BookingRule, DutyShift, Notification


@admin.register(Booking)
class BookingAdmin(ReadOnlyMixin, PalaceScopedAdmin):
    list_display = ["id", "venue", "start", "end", "status", "party_size", "booker"]
    list_filter = ["status", "mode", "local_date"]
    search_fields = ["check_in_code"]
    date_hierarchy = "local_date"
    list_select_related = ["venue", "venue__palace", "user"]
    # The appointment matter is deliberately absent: it lives in its own table, read on the
    # staff pages only, where every read is recorded.
    fields = [
        "palace",
        "venue",
        "booker",
        "mode",
        "start",
        "end",
        "party_size",
        "status",
        "fee",
        "check_in_code",
        "purpose",
        "organisation",
        "decision_reason",
        "created_at",
        "cancelled_at",
        "checked_in_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("booked by"))
    def booker(self, obj):
        return obj.user.masked_name + " " + obj.user.masked_phone


@admin.register(BookingRule)
class BookingRuleAdmin(ReadOnlyMixin, PalaceScopedAdmin):
    list_display = [
        "venue",
        "window_days",
        "max_active",
        "max_per_day",
        "max_per_week",
        "cancel_deadline_minutes",
    ]
    list_select_related = ["venue", "venue__palace"]


@admin.register(DutyShift)
class DutyShiftAdmin(ReadOnlyMixin, PalaceScopedAdmin):
    list_display = ["venue", "person", "role", "weekday", "date", "starts", "ends"]
    list_select_related = ["venue", "venue__palace"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, ProvincialAdmin):
    list_display = ["id", "kind", "channel", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    exclude = ["body"]
