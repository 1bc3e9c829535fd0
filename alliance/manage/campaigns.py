"""Campaigns: the list, the form, and a campaign's page with its totals and tagged work."""

from __future__ import annotations

from itertools import groupby

from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import access, selectors, services
from ..manage_forms import CampaignForm
from ..models import Campaign, CampaignTag
from ._common import form_page, head, workspace_action, workspace_page


@workspace_page
@require_GET
def campaigns(request):
    """Every campaign with its counts (the totals need three queries each: on the campaign's page)."""
    rows = (
        Campaign.objects.select_related("organiser", "rotation")
        .annotate(
            participant_count=Count("participants", distinct=True),
            tag_count=Count("tags", distinct=True),
        )
        .order_by("-starts_on", "pk")
    )
    return render(request, "alliance/manage/campaigns.html", head(request, "campaigns") | {"campaigns": rows})


def _form(request, form, campaign=None):
    return form_page(
        request,
        form,
        template="alliance/manage/campaign_form.html",
        tab="campaigns",
        save=lambda v: services.campaign_save(actor=request.user, campaign=campaign, **v),
        saved=lambda saved: (
            _("The campaign is saved."),
            reverse("alliance_manage:campaign", args=[saved.pk]),
        ),
        context={"campaign": campaign},
    )


@workspace_action
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    return _form(request, CampaignForm(request.POST or None))


@workspace_action
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("organiser"), pk=pk)
    return _form(request, CampaignForm(request.POST or None, campaign=campaign), campaign)


def _tag_row(tag: CampaignTag) -> dict:
    if tag.activity_id:
        a = tag.activity
        return {"kind": "activity", "title": a.title, "first": a.date, "last": a.end_date, "row": a}
    if tag.course_id:
        c = tag.course
        return {
            "kind": "course",
            "title": c.title,
            "first": c.term.starts_on,
            "last": c.term.ends_on,
            "row": c,
        }
    e = tag.event
    return {"kind": "event", "title": e.title, "first": e.local_date, "last": None, "row": e}


@workspace_page
@require_GET
def campaign(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("organiser", "rotation"), pk=pk)
    # The tagged work itself (titles, figures) of the palaces the user reads: a city officer their
    # city's (alliance.access, as in the API); who took part at all is the campaign's public fact.
    tags = (
        access.campaign_tags_visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("palace", "activity", "course", "course__term", "event")
        .order_by("palace__name", "palace_id", "tagged_at", "pk")
    )
    by_palace = []
    for palace, group in groupby(tags, key=lambda t: t.palace):
        rows = sorted((_tag_row(t) for t in group), key=lambda r: (r["first"], r["title"]))
        activities = [r["row"] for r in rows if r["kind"] == "activity"]
        by_palace.append(
            {
                "palace": palace,
                "rows": rows,
                "activities": len(activities),
                "courses": sum(1 for r in rows if r["kind"] == "course"),
                "events": sum(1 for r in rows if r["kind"] == "event"),
                "person_times": sum(a.participants for a in activities),
            }
        )
    by_palace.sort(key=lambda g: -len(g["rows"]))  # the busiest palaces first (a stable sort)
    tagged_ids = set(CampaignTag.objects.filter(campaign=campaign).values_list("palace_id", flat=True))
    participants = list(campaign.participants.select_related("region").order_by("region__code", "name"))
    return render(
        request,
        "alliance/manage/campaign.html",
        head(request, "campaigns")
        | {
            "campaign": campaign,
            "totals": selectors.campaign_totals(campaign),
            "participants": participants,
            "silent": [p for p in participants if p.pk not in tagged_ids],
            "by_palace": by_palace,
            "calls": campaign.calls.order_by("-deadline"),
        },
    )
