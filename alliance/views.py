"""Pages of the alliance for the public and for palace staff (mounted at /alliance/).

- `/alliance/calendar/` (and `calendar.ics`): the public provincial event calendar, approved
  hosting applications by month with their host; filters by year, month and city.
- `/alliance/palace/<palace_id>/...`: a palace's alliance work for its own staff
  (`alliance.access.palaces_applying_for`; anyone else, provincial officers included, gets 404:
  they review applications and do not apply): membership, open calls and whether the palace may apply,
  its applications and decisions, subsidies, applying and withdrawing, and tagging the palace's
  activities, courses and events to the campaigns it takes part in.

Reviewers' scores are internal to the provincial staff: a palace sees the decision and its reason.
The rules are the services'; the views parse, call and render.
"""

from __future__ import annotations

from datetime import date
from itertools import groupby

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from activities.models import Activity, Course, Event
from palace_portal.errors import PortalError
from palace_portal.months import format_month, last_day, month_of, months_between
from palace_portal.service_forms import add_refusal
from venues.models import Palace, Venue
from venues.pages import palace_or_404, staff_page

from . import access, selectors, services
from .calendars import calendar_ics
from .forms import ApplicationForm, CalendarFilterForm, TagForm, TagMonthForm
from .models import Campaign, CampaignTag, HostingApplication, HostingCall, Membership, Subsidy

AppStatus = HostingApplication.Status
# Bounds that keep every page's query count and size independent of the data.
CALENDAR_LIMIT = 300
OPEN_CALLS_SHOWN = 20
APPLICATIONS_SHOWN = 30
SUBSIDIES_SHOWN = 30
CAMPAIGNS_SHOWN = 20
ROWS_SHOWN = 200


# --- The public calendar -------------------------------------------------------------------------


def _calendar_query(request):
    """The filter form and the approved events it selects (None when the form is invalid)."""
    years = [day.year for day in selectors.calendar_events().dates("event_date", "year")]
    form = CalendarFilterForm(request.GET, years=years)
    if not form.is_valid():
        return form, None, None
    data = form.cleaned_data
    year, month = data.get("year"), data.get("month")
    if month and not year:
        year = timezone.localdate().year
    if year:
        first = date(year, month or 1, 1)
        last = last_day(date(year, month or 12, 1))
        upcoming = False
    else:
        # No year: what is coming, from the first of this month on.
        first, last, upcoming = month_of(timezone.localdate()), None, True
    events = selectors.calendar_events(first=first, last=last).select_related("palace__region__parent")
    if data.get("city"):
        events = events.filter(palace__in=Palace.objects.in_city(data["city"]))
    return form, events, upcoming


@require_GET
def calendar(request):
    """Approved provincial events grouped by month, with the host palace, its city and the venue."""
    form, events, upcoming = _calendar_query(request)
    months = []
    shown = 0
    if events is not None:
        rows = list(events[:CALENDAR_LIMIT])
        shown = len(rows)
        months = [
            (first_of_month, list(group))
            for first_of_month, group in groupby(rows, key=lambda a: month_of(a.event_date))
        ]
    params = form.params() if events is not None else {}
    return render(
        request,
        "alliance/calendar.html",
        {
            "form": form,
            "months": months,
            "upcoming": upcoming,
            "truncated": shown >= CALENDAR_LIMIT,
            "ics_url": reverse("alliance:calendar_ics") + (f"?{urlencode(params)}" if params else ""),
            "is_filtered": bool(params),
        },
    )


@require_GET
def calendar_file(request):
    """The same selection as an .ics file to import into a calendar app."""
    _form, events, _upcoming = _calendar_query(request)
    rows = list(events[:CALENDAR_LIMIT]) if events is not None else []
    response = HttpResponse(calendar_ics(rows), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="provincial-events.ics"'
    return response


# --- Palace staff: the hub -------------------------------------------------------------------------


def _palace(request, palace_id: int) -> Palace:
    """A palace the user is staff of; 404 for every other palace and every other user."""
    return palace_or_404(request, palace_id, scope=access.palaces_applying_for)


def _may_withdraw(application: HostingApplication, now) -> bool:
    return application.status == AppStatus.SUBMITTED and now < application.call.deadline


def _eligibility_rules(call: HostingCall) -> list[str]:
    """The call's eligibility in words for the palace (the rules are the service's reading)."""
    rules = services.eligibility_of(call)
    levels = rules["levels"]
    if levels and set(levels) != set(Palace.Level.values):
        lines = [
            _("Open to %(levels)s palaces.")
            % {"levels": "、".join(str(Palace.Level(lvl).label) for lvl in levels)}
        ]
    else:
        lines = [_("Open to city-level and county-level palaces.")]
    if rules["in_service"]:
        lines.append(_("The palace is in service."))
    if rules["member"]:
        lines.append(_("The palace is an alliance member."))
    if rules["min_capacity"]:
        lines.append(_("The event takes at least %(n)s people.") % {"n": rules["min_capacity"]})
    return lines


@staff_page
@require_GET
def hub(request, palace_id: int):
    """Membership, open calls (with why not, when the palace may not apply), the palace's
    applications and decisions, its subsidies and its campaigns."""
    palace = _palace(request, palace_id)
    now = timezone.now()
    today = timezone.localdate()
    membership = Membership.objects.filter(palace=palace).order_by("-joined_on", "-pk").first()
    applications = list(
        HostingApplication.objects.filter(palace=palace)
        .select_related("call", "venue")
        .order_by("-submitted_at", "-pk")[:APPLICATIONS_SHOWN]
    )
    calls = list(
        HostingCall.objects.filter(status=HostingCall.Status.OPEN, deadline__gt=now).order_by(
            "deadline", "pk"
        )[:OPEN_CALLS_SHOWN]
    )
    mine = {
        a.call_id: a for a in HostingApplication.objects.filter(palace=palace, call__in=[c.pk for c in calls])
    }
    member = services.is_member_on(palace, today)
    open_calls = []
    for call in calls:
        application = mine.get(call.pk)
        applied = application is not None and application.status != AppStatus.WITHDRAWN
        open_calls.append(
            {
                "call": call,
                "application": application,
                "applied": applied,
                # Why the palace may not apply: the rules are each call's data.
                "reasons": []
                if applied
                else services.call_ineligibility(call, palace, today=today, member=member),
            }
        )
    subsidies = list(
        Subsidy.objects.filter(palace=palace)
        .select_related("call")
        .order_by("-year", "-pk")[:SUBSIDIES_SHOWN]
    )
    subsidy_totals = Subsidy.objects.filter(palace=palace).aggregate(granted=Sum("granted"), paid=Sum("paid"))
    campaigns = list(
        Campaign.objects.filter(participants=palace)
        .select_related("organiser")
        .annotate(tagged=Count("tags", filter=Q(tags__palace=palace)))
        .order_by("-ends_on", "pk")[:CAMPAIGNS_SHOWN]
    )
    return render(
        request,
        "alliance/palace_hub.html",
        {
            "palace": palace,
            "membership": membership,
            "open_calls": open_calls,
            "applications": [{"application": a, "may_withdraw": _may_withdraw(a, now)} for a in applications],
            "subsidies": subsidies,
            "subsidy_totals": subsidy_totals,
            "campaigns": campaigns,
            "today": today,
        },
    )


# --- Palace staff: applying and withdrawing -------------------------------------------------------------


@staff_page
@require_http_methods(["GET", "POST"])
def apply(request, palace_id: int, call_id: int):
    """The call in full and the application form (or why the palace cannot apply)."""
    palace = _palace(request, palace_id)
    call = get_object_or_404(HostingCall.objects.exclude(status=HostingCall.Status.DRAFT), pk=call_id)
    now = timezone.now()
    existing = HostingApplication.objects.filter(call=call, palace=palace).select_related("venue").first()
    venues = Venue.objects.filter(palace=palace, is_active=True).order_by("centre", "name", "pk")
    form = ApplicationForm(request.POST or None, call=call, venues=venues)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.application_submit(actor=request.user, call=call, palace=palace, **form.cleaned_data)
            except PortalError as error:
                status = add_refusal(form, error)
            else:
                messages.success(
                    request,
                    _("Application sent. The provincial union reviews it after %(deadline)s.")
                    % {"deadline": timezone.localtime(call.deadline).strftime("%Y-%m-%d %H:%M")},
                )
                return redirect("alliance:hub", palace.pk)
    closed = call.status != HostingCall.Status.OPEN or now >= call.deadline
    applied = existing is not None and existing.status != AppStatus.WITHDRAWN
    reasons = [] if closed or applied else services.call_ineligibility(call, palace)
    return render(
        request,
        "alliance/apply.html",
        {
            "palace": palace,
            "call": call,
            "form": form,
            "existing": existing if applied else None,
            "withdrawn": existing is not None and existing.status == AppStatus.WITHDRAWN,
            "closed": closed,
            "reasons": reasons,
            "rules": _eligibility_rules(call),
            "may_apply": not closed and not applied and not reasons,
            "no_venues": not venues.exists(),
        },
        status=status,
    )


@staff_page
@require_http_methods(["GET", "POST"])
def withdraw(request, palace_id: int, application_id: int):
    """Confirm, then withdraw a submitted application before the deadline."""
    palace = _palace(request, palace_id)
    application = get_object_or_404(
        HostingApplication.objects.filter(palace=palace).select_related("call", "venue"), pk=application_id
    )
    error = None
    status = 200
    if request.method == "POST":
        try:
            services.application_withdraw(actor=request.user, application=application)
        except PortalError as refusal:
            error, status = str(refusal.message), refusal.status
        else:
            messages.success(request, _("Application withdrawn. You may apply again before the deadline."))
            return redirect("alliance:hub", palace.pk)
    return render(
        request,
        "alliance/withdraw.html",
        {
            "palace": palace,
            "application": application,
            "may_withdraw": _may_withdraw(application, timezone.now()),
            "error": error,
        },
        status=status,
    )


# --- Palace staff: tagging work to a campaign ------------------------------------------------------------


def _rows(palace: Palace, low: date, high: date):
    """The palace's activities, courses and events meeting the days `low`..`high` (three queries)."""
    activities = list(
        Activity.objects.filter(palace=palace, date__lte=high)
        .annotate(last_day=Coalesce("end_date", "date"))
        .filter(last_day__gte=low)
        .order_by("date", "pk")[:ROWS_SHOWN]
    )
    courses = list(
        Course.objects.filter(
            palace=palace, state=Course.State.PUBLISHED, term__starts_on__lte=high, term__ends_on__gte=low
        )
        .select_related("term")
        .order_by("term__starts_on", "title", "pk")[:ROWS_SHOWN]
    )
    events = list(
        Event.objects.filter(
            palace=palace, state=Event.State.PUBLISHED, local_date__gte=low, local_date__lte=high
        ).order_by("starts_at", "pk")[:ROWS_SHOWN]
    )
    return activities, courses, events


def _apply_tags(request, campaign: Campaign, palace: Palace, form: TagForm, tagged: dict) -> tuple[int, int]:
    """Tag what was checked and untag what was unchecked among the rows listed, all or nothing
    (`campaign_tags_apply` raises the first refusal and saves none of it); (added, removed)."""
    tag, untag_pks = [], {"activity": [], "course": [], "event": []}
    kinds = (("activity", "activities"), ("course", "courses"), ("event", "events"))
    for kind, field in kinds:
        checked = {row.pk for row in form.cleaned_data[field]}
        for row in form.fields[field].queryset:
            if row.pk in checked and row.pk not in tagged[kind]:
                tag.append((kind, row))
            elif row.pk not in checked and row.pk in tagged[kind]:
                untag_pks[kind].append(row.pk)
    untag = [
        existing
        for kind, pks in untag_pks.items()
        if pks
        for existing in CampaignTag.objects.filter(campaign=campaign, palace=palace, **{f"{kind}__in": pks})
    ]
    return services.campaign_tags_apply(actor=request.user, campaign=campaign, tag=tag, untag=untag)


@staff_page
@require_http_methods(["GET", "POST"])
def campaign_tags(request, palace_id: int, campaign_id: int):
    """One month of the palace's activities, courses and events within the campaign, as checkbox
    lists: checked rows count towards the campaign. With the campaign's totals."""
    palace = _palace(request, palace_id)
    campaign = get_object_or_404(
        Campaign.objects.filter(participants=palace).select_related("organiser", "rotation"), pk=campaign_id
    )
    months = list(months_between(campaign.starts_on, campaign.ends_on))
    today = timezone.localdate()
    default = month_of(today) if campaign.starts_on <= today <= campaign.ends_on else months[0]
    source = request.POST if request.method == "POST" else request.GET
    month_form = TagMonthForm(source if source.get("month") else None, months=months)
    month = default
    if month_form.is_bound and month_form.is_valid():
        # One of the choices, so one of the campaign's months.
        month = next(m for m in months if format_month(m) == month_form.cleaned_data["month"])
    elif not month_form.is_bound:
        month_form = TagMonthForm(initial={"month": format_month(default)}, months=months)
    low, high = max(month, campaign.starts_on), min(last_day(month), campaign.ends_on)
    activities, courses, events = _rows(palace, low, high)
    tags = CampaignTag.objects.filter(campaign=campaign, palace=palace).values_list(
        "activity_id", "course_id", "event_id"
    )
    tagged = {"activity": set(), "course": set(), "event": set()}
    for activity_id, course_id, event_id in tags:
        for kind, pk in (("activity", activity_id), ("course", course_id), ("event", event_id)):
            if pk:
                tagged[kind].add(pk)
    form = TagForm(
        request.POST if request.method == "POST" else None,
        activities=Activity.objects.filter(pk__in=[a.pk for a in activities]),
        courses=Course.objects.filter(pk__in=[c.pk for c in courses]),
        events=Event.objects.filter(pk__in=[e.pk for e in events]),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if month_form.is_bound and month_form.is_valid() and form.is_valid():
            try:
                added, removed = _apply_tags(request, campaign, palace, form, tagged)
            except PortalError as error:
                messages.error(request, _("Nothing was saved. %(reason)s") % {"reason": error.message})
            else:
                if added or removed:
                    messages.success(
                        request,
                        _("Saved: %(added)d counted, %(removed)d no longer counted.")
                        % {"added": added, "removed": removed},
                    )
                else:
                    messages.info(request, _("Nothing changed."))
            url = reverse("alliance:campaign", args=[palace.pk, campaign.pk])
            return redirect(f"{url}?{urlencode({'month': format_month(month)})}")
    index = months.index(month)
    return render(
        request,
        "alliance/campaign_tags.html",
        {
            "palace": palace,
            "campaign": campaign,
            "month": month,
            "month_form": month_form,
            "previous_month": months[index - 1] if index > 0 else None,
            "next_month": months[index + 1] if index + 1 < len(months) else None,
            "form": form,
            "activities": activities,
            "courses": courses,
            "events": events,
            "tagged": tagged,
            "own": {kind: len(ids) for kind, ids in tagged.items()},
            "totals": selectors.campaign_totals(campaign),
            "truncated": ROWS_SHOWN in (len(activities), len(courses), len(events)),
        },
        status=status,
    )
