"""Council rotations (轮值理事单位): the list, the form, and a term's page with its work."""

from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import selectors, services
from ..manage_forms import RotationForm
from ..models import Campaign, RotationTerm
from ._common import form_page, head, workspace_action, workspace_page


@workspace_page
@require_GET
def rotations(request):
    today = timezone.localdate()
    terms = list(RotationTerm.objects.prefetch_related("leads").order_by("-starts_on"))
    current = next((t for t in terms if t.starts_on <= today <= t.ends_on), None)
    after = current.ends_on if current else today
    upcoming = min((t for t in terms if t.starts_on > after), key=lambda t: t.starts_on, default=None)
    return render(
        request,
        "alliance/manage/rotations.html",
        head(request, "rotations")
        | {"terms": terms, "current": current, "upcoming": upcoming, "today": today},
    )


def _form(request, form, rotation=None):
    return form_page(
        request,
        form,
        template="alliance/manage/rotation_form.html",
        tab="rotations",
        save=lambda v: services.rotation_save(actor=request.user, rotation=rotation, **v),
        saved=lambda saved: (
            _("The rotation is saved."),
            reverse("alliance_manage:rotation", args=[saved.pk]),
        ),
        context={"rotation": rotation},
    )


@workspace_action
@require_http_methods(["GET", "POST"])
def rotation_new(request):
    return _form(request, RotationForm(request.POST or None))


@workspace_action
@require_http_methods(["GET", "POST"])
def rotation_edit(request, pk: int):
    rotation = get_object_or_404(RotationTerm, pk=pk)
    return _form(request, RotationForm(request.POST or None, rotation=rotation), rotation)


@workspace_page
@require_GET
def rotation(request, pk: int):
    """A term: its leads and duties, the campaigns it organised (its own, or a lead's that began
    in its dates) and the approved provincial events held in its dates."""
    term = get_object_or_404(RotationTerm.objects.prefetch_related("leads"), pk=pk)
    leads = list(term.leads.all())
    lead_ids = {p.pk for p in leads}
    campaigns = (
        Campaign.objects.filter(
            Q(rotation=term)
            | Q(organiser__in=lead_ids, starts_on__gte=term.starts_on, starts_on__lte=term.ends_on)
        )
        .select_related("organiser")
        .annotate(participant_count=Count("participants", distinct=True))
        .order_by("starts_on", "pk")
    )
    events = selectors.calendar_events(first=term.starts_on, last=term.ends_on)
    return render(
        request,
        "alliance/manage/rotation.html",
        head(request, "rotations")
        | {"term": term, "leads": leads, "lead_ids": lead_ids, "campaigns": campaigns, "events": events},
    )
