"""Council rotations (轮值理事单位): the list, the form, and a term's page with its work."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import selectors, services
from ..manage_forms import RotationForm
from ..models import Campaign, RotationTerm
from ._common import head, save_with, workspace_action, workspace_page


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


def _form_page(request, form, rotation=None):
    return render(
        request,
        "alliance/manage/rotation_form.html",
        head(request, "rotations") | {"form": form, "rotation": rotation},
        status=400 if form.errors else 200,
    )


@workspace_action
@require_http_methods(["GET", "POST"])
def rotation_new(request):
    form = RotationForm(request.POST or None)
    if request.method == "POST":
        rotation = save_with(form, lambda v: services.rotation_save(actor=request.user, **v))
        if rotation is not None:
            messages.success(request, _("The rotation is saved."))
            return redirect("alliance_manage:rotation", rotation.pk)
    return _form_page(request, form)


@workspace_action
@require_http_methods(["GET", "POST"])
def rotation_edit(request, pk: int):
    rotation = get_object_or_404(RotationTerm, pk=pk)
    form = RotationForm(request.POST or None, rotation=rotation)
    if request.method == "POST":
        saved = save_with(form, lambda v: services.rotation_save(actor=request.user, rotation=rotation, **v))
        if saved is not None:
            messages.success(request, _("The rotation is saved."))
            return redirect("alliance_manage:rotation", rotation.pk)
    return _form_page(request, form, rotation)


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
