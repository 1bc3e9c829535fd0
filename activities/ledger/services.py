"""State changes of the activity ledger: log, correct and remove an activity.

Only staff who may manage the palace (`activities.access.require_manager`) may do any of these;
everyone else gets `NotFound`, so a palace's ledger cannot be probed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.access import require_manager as _require_manager
from activities.ledger.models import Activity, ActivityKind, PartnerKind
from activities.series.services import series_check
from palace_portal.errors import InvalidInput
from palace_portal.months import MIN_YEAR
from venues.kinds import Centre
from venues.models import Palace, SatellitePoint, Venue
from venues.page_cache import palace_page_changed

# Fields a caller may set; anything else is a programming error, not user input.
EDITABLE_FIELDS = frozenset(
    {
        "title",
        "kind",
        "centre",
        "venue",
        "satellite_point",
        "off_site",
        "date",
        "end_date",
        "participants",
        "online_viewers",
        "likes",
        "partner_kind",
        "partner_name",
        "programme",
        "series",
    }
)
_DEFAULTS: dict[str, Any] = {
    "venue": None,
    "satellite_point": None,
    "off_site": "",
    "end_date": None,
    "participants": 0,
    "online_viewers": 0,
    "likes": 0,
    "partner_kind": PartnerKind.NONE,
    "partner_name": "",
    "programme": "",
    "series": None,
}
_MAX_LENGTHS = {"title": 200, "off_site": 200, "partner_name": 200, "programme": 100}


def activity_date_range(today: date | None = None) -> tuple[date, date]:
    """The dates an activity may have: from the first year the portal knows (`months.MIN_YEAR`)
    to a year from today. The ledger logs what happened; a year ahead leaves room for staff who
    log a planned activity early, and catches typos like 0001-01-01 or 9999-12-31."""
    today = today or timezone.localdate()
    return date(MIN_YEAR, 1, 1), today + timedelta(days=366)


def _date_range_message(earliest: date, latest: date) -> str:
    return _("Enter a date from %(earliest)s to %(latest)s.") % {
        "earliest": earliest.isoformat(),
        "latest": latest.isoformat(),
    }


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Unknown activity fields: {sorted(unknown)}")


def _validate(*, palace: Palace, values: dict[str, Any]) -> dict[str, Any]:
    """Clean `values` (strings stripped) or raise InvalidInput with every field's problem."""
    errors: dict[str, list] = {}
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}

    if not values.get("title"):
        errors["title"] = [_("Enter a title.")]
    for name, limit in _MAX_LENGTHS.items():
        if len(values.get(name) or "") > limit:
            errors[name] = [_("At most %(limit)d characters.") % {"limit": limit}]
    if values.get("kind") not in ActivityKind.values:
        errors["kind"] = [_("Choose a valid kind of activity.")]
    if values.get("centre") not in Centre.values:
        errors["centre"] = [_("Choose a valid centre.")]
    if values.get("partner_kind") not in PartnerKind.values:
        errors["partner_kind"] = [_("Choose a valid kind of partner.")]
    elif values["partner_kind"] != PartnerKind.NONE and not values.get("partner_name"):
        errors["partner_name"] = [_("Name the partner.")]
    elif values["partner_kind"] == PartnerKind.NONE:
        values["partner_name"] = ""

    for name in ("participants", "online_viewers", "likes"):
        number = values.get(name)
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            errors[name] = [_("Enter a whole number of at least 0.")]

    start, end = values.get("date"), values.get("end_date")
    earliest, latest = activity_date_range()
    if not isinstance(start, date):
        errors["date"] = [_("Enter a date.")]
    elif not earliest <= start <= latest:
        errors["date"] = [_date_range_message(earliest, latest)]
    elif end is not None and (not isinstance(end, date) or end < start):
        errors["end_date"] = [_("The end date cannot be before the start date.")]
    elif end is not None and end > latest:
        errors["end_date"] = [_date_range_message(earliest, latest)]

    venue: Venue | None = values.get("venue")
    point: SatellitePoint | None = values.get("satellite_point")
    locations = [venue is not None, point is not None, bool(values.get("off_site"))]
    if sum(locations) > 1:
        errors["non_field_errors"] = [
            _("Give one place only: a venue, a satellite point or an off-site place.")
        ]
    if venue is not None and venue.palace_id != palace.pk:
        errors["venue"] = [_("This venue belongs to another palace.")]
    if point is not None and point.palace_id != palace.pk:
        errors["satellite_point"] = [_("This satellite point belongs to another palace.")]
    series_error = series_check(palace=palace, series=values.get("series"))
    if series_error:
        errors["series"] = [series_error]

    if errors:
        raise InvalidInput(fields=errors)
    return values


@transaction.atomic
def activity_create(*, actor, palace: Palace, **fields: Any) -> Activity:
    """Log an activity of `palace`. `date` is the local start date."""
    _check_fields(fields)
    _require_manager(actor, palace)
    values = _validate(palace=palace, values={**_DEFAULTS, **fields})
    return Activity.objects.create(palace=palace, created_by=actor, **values)


@transaction.atomic
def activity_update(*, actor, activity: Activity, **fields: Any) -> Activity:
    """Correct a logged activity; fields not given keep their value. Its palace never changes."""
    _check_fields(fields)
    _require_manager(actor, activity.palace)
    activity = Activity.objects.select_for_update(of=("self",)).select_related("palace").get(pk=activity.pk)
    current = {name: getattr(activity, name) for name in EDITABLE_FIELDS}
    values = _validate(palace=activity.palace, values={**current, **fields})
    for name, value in values.items():
        setattr(activity, name, value)
    activity.save(update_fields=sorted(values))
    return activity


@transaction.atomic
def activity_delete(*, actor, activity: Activity) -> None:
    _require_manager(actor, activity.palace)
    Activity.objects.filter(pk=activity.pk).delete()


def validate_activity(*, palace: Palace, values: dict[str, Any]) -> dict[str, Any]:
    """Clean one activity's fields (defaults filled in) or raise InvalidInput; used by the import."""
    _check_fields(values)
    return _validate(palace=palace, values={**_DEFAULTS, **values})


@transaction.atomic
def activities_import(*, actor, palace: Palace, rows: list[dict[str, Any]]) -> int:
    """Log every row of a bulk import, or none: any bad row raises InvalidInput naming the rows.

    `rows` are field dicts as `activity_create` takes them; each is validated again here.
    """
    _require_manager(actor, palace)
    if not rows:
        raise InvalidInput(_("There is nothing to import."), code="empty")
    cleaned, bad = [], {}
    for number, fields in enumerate(rows, start=1):
        try:
            cleaned.append(validate_activity(palace=palace, values=dict(fields)))
        except InvalidInput as error:
            bad[f"row_{number}"] = [str(m) for messages in error.fields.values() for m in messages]
    if bad:
        raise InvalidInput(
            _("Nothing was imported: %(count)d rows are not valid.") % {"count": len(bad)},
            code="import_rows_invalid",
            fields=bad,
        )
    Activity.objects.bulk_create(
        [Activity(palace=palace, created_by=actor, **values) for values in cleaned], batch_size=500
    )
    # bulk_create sends no signals: the palace page's year figures count these rows.
    palace_page_changed(palace.pk)
    return len(cleaned)
