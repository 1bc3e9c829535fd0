"""What the courses', events' and enrolments' endpoints share: one status vocabulary for every
sign-up (`EnrolmentStatus`), the error responses the schema names, and the list-only filters."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from activities.api.responses import api_error
from bookings.models import Booking

Status = Booking.Status


class EnrolmentStatus:
    """The API's words for a sign-up's status (a `Booking` with an offering underneath)."""

    APPLIED = "applied"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    ENROLLED = "enrolled"
    ATTENDED = "attended"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


ENROLMENT_STATUSES = [
    (EnrolmentStatus.APPLIED, _("applied (lottery not drawn yet)")),
    (EnrolmentStatus.WAITLISTED, _("on the waitlist")),
    (EnrolmentStatus.OFFERED, _("place offered")),
    (EnrolmentStatus.ENROLLED, _("enrolled")),
    (EnrolmentStatus.ATTENDED, _("attended")),
    (EnrolmentStatus.WITHDRAWN, _("withdrawn")),
    (EnrolmentStatus.EXPIRED, _("expired")),
]


# Booking status → API word. `declined` and `no_show` never happen to sign-ups (no staff
# decision; attendance is kept per session instead); they are mapped so that nothing breaks.
STATUS_WORD = {
    Status.PENDING: EnrolmentStatus.APPLIED,
    Status.WAITLISTED: EnrolmentStatus.WAITLISTED,
    Status.OFFERED: EnrolmentStatus.OFFERED,
    Status.CONFIRMED: EnrolmentStatus.ENROLLED,
    Status.CHECKED_IN: EnrolmentStatus.ATTENDED,
    Status.CANCELLED: EnrolmentStatus.WITHDRAWN,
    Status.DECLINED: EnrolmentStatus.WITHDRAWN,
    Status.EXPIRED: EnrolmentStatus.EXPIRED,
    Status.NO_SHOW: EnrolmentStatus.ENROLLED,
}


BOOKING_STATUSES_OF = {
    word: [s for s, w in STATUS_WORD.items() if w == word] for word, _label in ENROLMENT_STATUSES
}


STATUS_HELP = _(
    "applied (lottery not drawn yet); waitlisted; offered (a place from the waitlist: accept it "
    "before offer_expires_at); enrolled (holds a place; for an event: registered); attended (an "
    "event, checked in); withdrawn; expired"
)


class EnrolmentStatusField(serializers.ChoiceField):
    """A booking's status, written in the API's words."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", STATUS_HELP)
        super().__init__(choices=ENROLMENT_STATUSES, read_only=True, **kwargs)

    def to_representation(self, value):
        return STATUS_WORD[value]


def open_now(prefix: str, now) -> Q:
    """The offering at `prefix` takes sign-ups now (as `offering_is_open`)."""
    return Q(
        **{
            f"{prefix}published": True,
            f"{prefix}cancelled": False,
            f"{prefix}closes_at__gt": now,
        }
    ) & (Q(**{f"{prefix}opens_at__isnull": True}) | Q(**{f"{prefix}opens_at__lte": now}))


BAD_INPUT = api_error("`invalid`: bad input or filter; `fields` says which.")


SIGN_IN = api_error("`not_authenticated`: sign in (a token or a session).")


NO_SUCH_PAGE = api_error("`not_found`: the page is past the end of the list.")


SIGN_UP_REFUSALS = (
    "`enrolment_not_open` (sign-up opens later), `enrolment_closed`, `already_enrolled` (you "
    "signed up already, or hold a place in another section of the course), `members_only` (for "
    "trade-union members), `suspended` (repeated no-shows)"
)


class ListFiltersOnlyMixin:
    # Any id reaches the view, so that `/courses/1.5/` is a JSON 404 like `/courses/abc/`.
    lookup_value_regex = "[^/]+"

    def filter_queryset(self, queryset):
        # The filters narrow the list only: a detail URL is found by its id alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


class PageByIdsMixin:
    """A list paged through its ids first, then the page's rows loaded with their joins and counts.

    Sorting the whole list with every joined table and counting subquery in the row made the
    database join all of it before keeping one page: at ten times the province the courses' list
    joined 9,800 courses to their palaces, regions, terms and venues (about 60 ms) for twenty
    rows. The ids need only the tables the filters and the order read; one more query loads the
    page."""

    def paginate_queryset(self, queryset):
        if self.paginator is None:
            return None
        ids = self.paginator.paginate_queryset(queryset.values_list("pk", flat=True), self.request, view=self)
        if ids is None:
            return None
        ids = list(ids)
        rows = queryset.in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]
