"""Back-office views of what palaces run: read-only (writes go through the services and staff pages)."""

from django.contrib import admin

from activities.classes.models import Course, LotteryDraw, Term
from activities.events.models import Event
from activities.ledger.models import Activity
from activities.ratings.models import Rating
from activities.voice.models import Survey, Wish
from palace_portal.admin_mixins import ReadOnlyMixin
from venues.admin.scoping import PalaceScopedAdmin


@admin.register(Activity)
class ActivityAdmin(ReadOnlyMixin, PalaceScopedAdmin):
    list_display = ["title", "palace", "kind", "centre", "date", "participants", "online_viewers"]
    list_filter = ["kind", "centre", "partner_kind"]
    search_fields = ["title", "partner_name", "programme"]
    date_hierarchy = "date"
    list_select_related = ["palace"]


@admin.register(Term)
class TermAdmin(ReadOnlyMixin, PalaceScopedAdmin):
    list_display = [
        "name",
        "palace",
        "starts_on",
        "ends_on",
        "enrolment_opens",
        "enrolment_closes",
        "max_courses",
    ]
    list_select_related = ["palace"]


@admin.register(Course)
class CourseAdmin(ReadOnlyMixin, PalaceScopedAdmin):
    list_display = ["__str__", "palace", "term", "teacher", "state"]
    list_filter = ["state", "centre"]
    search_fields = ["title", "teacher", "partner"]
    list_select_related = ["palace", "term"]
    exclude = ["offering"]


@admin.register(Event)
class EventAdmin(ReadOnlyMixin, PalaceScopedAdmin):
    list_display = ["title", "palace", "kind", "starts_at", "state"]
    list_filter = ["state", "kind", "centre"]
    search_fields = ["title", "speaker"]
    date_hierarchy = "local_date"
    list_select_related = ["palace"]
    exclude = ["offering"]


@admin.register(LotteryDraw)
class LotteryDrawAdmin(ReadOnlyMixin, PalaceScopedAdmin):
    list_display = ["course", "palace", "drawn_at", "places", "applicants", "seed"]
    list_select_related = ["course", "palace"]


@admin.register(Wish)
class WishAdmin(ReadOnlyMixin, PalaceScopedAdmin):
    list_display = ["title", "palace", "status", "vote_count", "created_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    list_select_related = ["palace"]
    # The author is personal data: the staff pages show it masked; the back office leaves it out.
    exclude = ["author"]


@admin.register(Survey)
class SurveyAdmin(ReadOnlyMixin, PalaceScopedAdmin):
    list_display = ["title", "palace", "status"]
    list_filter = ["status"]
    search_fields = ["title"]
    list_select_related = ["palace"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyMixin, PalaceScopedAdmin):
    list_display = ["id", "palace", "stars", "local_date", "course", "venue", "event"]
    list_filter = ["stars"]
    date_hierarchy = "local_date"
    list_select_related = ["palace", "course", "venue", "event"]
    exclude = ["user", "booking"]
