"""Campaigns: themed province-wide series organised by a member palace, and the tags that count
a palace's activities, courses and events towards them.

Provincial staff create and change campaigns (`alliance.access.may_run_alliance`); staff of a
palace taking part tag its own work (`may_apply_for_palace`). Everyone else: `NotFound`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, Course, Event
from palace_portal.errors import InvalidInput, NotFound, PortalError, RuleViolation
from venues.models import Palace

from .. import access
from ..models import Campaign, CampaignTag, RotationTerm
from .common import Errors, require_provincial, span_values, text_value, today
from .membership import is_member_on


def campaign_save(*, actor, campaign: Campaign | None = None, **values: Any) -> Campaign:
    """Create or change a campaign: title, dates, organiser (a member palace), taking part (members)."""
    require_provincial(actor)
    errors: Errors = {}
    title = text_value(values, "title", errors, _("Give the campaign a title."))
    starts, ends = span_values(values, errors, _("Give the dates."))
    organiser = values.get("organiser")
    participants = list(values.get("participants") or [])
    if not isinstance(organiser, Palace):
        errors["organiser"] = [_("Choose the organising council unit.")]
    elif isinstance(starts, date) and not is_member_on(organiser, starts):
        errors["organiser"] = [_("The organiser must be an alliance member when the campaign starts.")]
    if isinstance(ends, date) and participants:
        outsiders = [p.name for p in participants if not is_member_on(p, min(ends, today()))]
        if outsiders:
            errors["participants"] = [
                _("Not alliance members: %(names)s.") % {"names": "、".join(outsiders[:10])}
            ]
    if errors:
        raise InvalidInput(_("Please correct the campaign."), fields=errors)
    rotation = values.get("rotation")
    with transaction.atomic():
        campaign = campaign or Campaign()
        campaign.title, campaign.starts_on, campaign.ends_on = title[:200], starts, ends
        campaign.description = (values.get("description") or "").strip()
        campaign.organiser = organiser
        campaign.rotation = rotation if isinstance(rotation, RotationTerm) else None
        campaign.save()
        if organiser not in participants:
            participants.append(organiser)
        campaign.participants.set(participants)
    return campaign


def _row_of(*, activity: Activity | None, course: Course | None, event: Event | None):
    given = [
        (k, v) for k, v in (("activity", activity), ("course", course), ("event", event)) if v is not None
    ]
    if len(given) != 1:
        raise InvalidInput(_("Tag one activity, course or event."), code="tag_one")
    return given[0]


def _row_dates(kind: str, row) -> tuple[date, date]:
    if kind == "activity":
        return row.date, row.end_date or row.date
    if kind == "course":
        return row.term.starts_on, row.term.ends_on
    return row.local_date, timezone.localtime(row.ends_at).date()


def campaign_tag(
    *,
    actor,
    campaign: Campaign,
    activity: Activity | None = None,
    course: Course | None = None,
    event: Event | None = None,
) -> CampaignTag:
    """Count a palace's activity, course or event towards a campaign.

    Staff of that palace only (`NotFound`). The palace must take part (`not_taking_part`) and the
    row's dates must meet the campaign's (`outside_campaign`). Tagging twice: `already_tagged`.
    """
    kind, row = _row_of(activity=activity, course=course, event=event)
    palace = row.palace
    if not access.may_apply_for_palace(actor, palace):
        raise NotFound()
    if not campaign.participants.filter(pk=palace.pk).exists():
        raise RuleViolation(_("Your palace does not take part in this campaign."), code="not_taking_part")
    first, last = _row_dates(kind, row)
    if last < campaign.starts_on or first > campaign.ends_on:
        raise RuleViolation(
            _("It does not fall within the campaign (%(start)s – %(end)s).")
            % {"start": campaign.starts_on, "end": campaign.ends_on},
            code="outside_campaign",
        )
    try:
        with transaction.atomic():
            return CampaignTag.objects.create(
                campaign=campaign, palace=palace, tagged_by=actor, **{kind: row}
            )
    except IntegrityError:
        raise RuleViolation(_("It is already counted in this campaign."), code="already_tagged") from None


def campaign_untag(*, actor, tag: CampaignTag) -> None:
    """Stop counting a row towards its campaign: staff of its palace, or provincial staff."""
    if not access.may_untag(actor, tag):
        raise NotFound()
    tag.delete()


def campaign_tags_apply(
    *,
    actor,
    campaign: Campaign,
    tag: Sequence[tuple[str, Activity | Course | Event]] = (),
    untag: Sequence[CampaignTag] = (),
) -> tuple[int, int]:
    """Tag and untag several rows at once (the tag page's checkboxes): all or nothing.

    Staff of the rows' palace (each row is checked as `campaign_tag` / `campaign_untag` check it).
    One transaction: the first refusal undoes everything already done in the call and is raised
    with the row's name in front of its message, so a page never shows a half-saved month.
    Returns (tagged, untagged).
    """
    with transaction.atomic():
        for kind, row in tag:
            if kind not in ("activity", "course", "event"):
                raise InvalidInput(_("Tag one activity, course or event."), code="tag_one")
            try:
                campaign_tag(actor=actor, campaign=campaign, **{kind: row})
            except PortalError as error:
                raise type(error)(f"{row}: {error.message}", code=error.code, fields=error.fields) from None
        for existing in untag:
            campaign_untag(actor=actor, tag=existing)
    return len(tag), len(untag)
