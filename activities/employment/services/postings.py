"""Employers and job postings, written by the palace's staff: draft → published → closed.

Who may call: staff who may manage the posting's palace (`activities.access.may_manage`); anyone
else is told the rows do not exist (`NotFound`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.employment.models import (
    MAX_OPENINGS,
    MAX_PAY,
    Employer,
    JobKind,
    JobPosting,
    Livestream,
    PostingState,
)
from activities.events.models import Event
from activities.ledger.models import ActivityKind
from palace_portal.errors import NotFound, RuleViolation
from venues.models import Palace

from ._common import bounded_int, is_date, refuse_if, require_manager, text

EMPLOYER_FIELDS = frozenset(
    {"name", "industry", "contact_name", "contact_phone", "address", "description", "active"}
)
POSTING_FIELDS = frozenset(
    {
        "employer",
        "title",
        "kind",
        "pay_min",
        "pay_max",
        "place",
        "requirements",
        "description",
        "openings",
        "valid_until",
    }
)
MAX_VIEWERS = 100_000_000


def _employer_values(palace: Palace, values: dict[str, Any], exclude: int | None) -> dict[str, Any]:
    unknown = set(values) - EMPLOYER_FIELDS
    if unknown:
        raise TypeError(f"unknown employer fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    name = text(values, "name", 200)
    if not name:
        errors["name"] = [_("Give the employer's name.")]
    elif Employer.objects.filter(palace=palace, name=name).exclude(pk=exclude).exists():
        errors["name"] = [_("This palace already has an employer of this name.")]
    refuse_if(errors)
    return {
        "name": name,
        "industry": text(values, "industry", 100),
        "contact_name": text(values, "contact_name", 50),
        "contact_phone": text(values, "contact_phone", 20),
        "address": text(values, "address", 200),
        "description": str(values.get("description") or "").strip(),
        "active": bool(values.get("active", True)),
    }


def employer_create(*, actor, palace: Palace, **values: Any) -> Employer:
    """A partner enterprise of `palace` (staff of the palace)."""
    require_manager(actor, palace)
    clean = _employer_values(palace, values, None)
    with transaction.atomic():
        return Employer.objects.create(palace=palace, **clean)


def employer_update(*, actor, employer: Employer, **values: Any) -> Employer:
    require_manager(actor, employer.palace)
    clean = _employer_values(employer.palace, values, employer.pk)
    with transaction.atomic():
        for name, value in clean.items():
            setattr(employer, name, value)
        employer.save()
    return employer


def _posting_values(palace: Palace, values: dict[str, Any], *, today: date) -> dict[str, Any]:
    unknown = set(values) - POSTING_FIELDS
    if unknown:
        raise TypeError(f"unknown posting fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    employer = values.get("employer")
    if not isinstance(employer, Employer) or employer.palace_id != palace.pk:
        errors["employer"] = [_("Choose an employer of this palace.")]
    title = text(values, "title", 200)
    if not title:
        errors["title"] = [_("Give the job a title.")]
    if values.get("kind") not in JobKind.values:
        errors["kind"] = [_("Choose a kind of job.")]
    pay_min = bounded_int(values.get("pay_min"), 0, MAX_PAY)
    pay_max = bounded_int(values.get("pay_max"), 0, MAX_PAY)
    if pay_min is None:
        errors["pay_min"] = [_("Give the lowest monthly pay in yuan (0 to 1,000,000).")]
    if pay_max is None:
        errors["pay_max"] = [_("Give the highest monthly pay in yuan (0 to 1,000,000).")]
    elif pay_min is not None and pay_min > pay_max:
        errors["pay_max"] = [_("The highest pay cannot be below the lowest.")]
    place = text(values, "place", 200)
    if not place:
        errors["place"] = [_("Say where the work is.")]
    openings = bounded_int(values.get("openings"), 1, MAX_OPENINGS)
    if openings is None:
        errors["openings"] = [_("Between 1 and 10,000 openings.")]
    valid_until = values.get("valid_until")
    if not is_date(valid_until):
        errors["valid_until"] = [_("Give the last day the posting is valid.")]
    elif valid_until < today:
        errors["valid_until"] = [_("The posting cannot end in the past.")]
    refuse_if(errors, _("Please correct the posting."))
    return {
        "employer": employer,
        "title": title,
        "kind": values["kind"],
        "pay_min": pay_min,
        "pay_max": pay_max,
        "place": place,
        "requirements": str(values.get("requirements") or "").strip(),
        "description": str(values.get("description") or "").strip(),
        "openings": openings,
        "valid_until": valid_until,
    }


def posting_create(*, actor, palace: Palace, now: datetime | None = None, **values: Any) -> JobPosting:
    """A new posting of `palace`, as a draft (staff of the palace)."""
    now = now or timezone.now()
    require_manager(actor, palace)
    clean = _posting_values(palace, values, today=timezone.localdate(now))
    with transaction.atomic():
        return JobPosting.objects.create(palace=palace, created_by=actor, **clean)


def _locked(posting: JobPosting) -> JobPosting:
    return JobPosting.objects.select_for_update().select_related("palace", "employer").get(pk=posting.pk)


def posting_update(*, actor, posting: JobPosting, now: datetime | None = None, **values: Any) -> JobPosting:
    """Change a draft or published posting; a closed one stays as it was."""
    now = now or timezone.now()
    require_manager(actor, posting.palace)
    clean = _posting_values(posting.palace, values, today=timezone.localdate(now))
    with transaction.atomic():
        posting = _locked(posting)
        if posting.state == PostingState.CLOSED:
            raise RuleViolation(_("A closed posting cannot be changed."), code="posting_closed")
        for name, value in clean.items():
            setattr(posting, name, value)
        posting.save()
    return posting


def posting_publish(*, actor, posting: JobPosting, now: datetime | None = None) -> JobPosting:
    """Show a draft to workers, dated today (the ledger counts it in this month)."""
    now = now or timezone.now()
    require_manager(actor, posting.palace)
    with transaction.atomic():
        posting = _locked(posting)
        if posting.state != PostingState.DRAFT:
            raise RuleViolation(_("Only a draft can be published."), code="not_draft")
        if posting.valid_until < timezone.localdate(now):
            raise RuleViolation(
                _("The posting's last valid day has passed: change it first."), code="posting_expired"
            )
        if not posting.employer.active:
            raise RuleViolation(_("The employer is no longer a partner."), code="employer_inactive")
        posting.state = PostingState.PUBLISHED
        posting.published_at = now
        posting.published_on = timezone.localdate(now)
        posting.save(update_fields=["state", "published_at", "published_on"])
    return posting


def posting_close(*, actor, posting: JobPosting, now: datetime | None = None) -> JobPosting:
    """Stop taking applications; those already in keep their course (interviews, placements)."""
    now = now or timezone.now()
    require_manager(actor, posting.palace)
    with transaction.atomic():
        posting = _locked(posting)
        if posting.state != PostingState.PUBLISHED:
            raise RuleViolation(_("Only a published posting can be closed."), code="not_published")
        posting.state = PostingState.CLOSED
        posting.closed_at = now
        posting.save(update_fields=["state", "closed_at"])
    return posting


def _postings_of(palace: Palace, postings) -> list[JobPosting]:
    postings = list(postings or [])
    if any(not isinstance(p, JobPosting) or p.palace_id != palace.pk for p in postings):
        refuse_if({"postings": [_("Choose postings of this palace.")]})
    if any(p.state == PostingState.DRAFT for p in postings):
        refuse_if({"postings": [_("Publish a posting before showing it.")]})
    return postings


def job_fair_postings_set(*, actor, event: Event, postings) -> Event:
    """The postings a job fair (an event of kind job fair) carries, replacing the previous list."""
    require_manager(actor, event.palace)
    if event.kind != ActivityKind.JOB_FAIR:
        raise RuleViolation(_("Only a job fair carries postings."), code="not_job_fair")
    chosen = _postings_of(event.palace, postings)
    with transaction.atomic():
        event.job_postings.set(chosen)
    return event


def _livestream_values(palace: Palace, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title = text(values, "title", 200)
    if not title:
        errors["title"] = [_("Give the session a title.")]
    url = text(values, "stream_url", 500)
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors["stream_url"] = [_("Give a web address starting with http:// or https://.")]
    starts = values.get("starts_at")
    if not isinstance(starts, datetime) or timezone.is_naive(starts):
        errors["starts_at"] = [_("Give the start.")]
    viewers = bounded_int(values.get("viewers") or 0, 0, MAX_VIEWERS)
    if viewers is None:
        errors["viewers"] = [_("Give the number of viewers (a whole number, 0 or more).")]
    refuse_if(errors, _("Please correct the session."))
    return {
        "title": title,
        "stream_url": url,
        "starts_at": starts,
        "local_date": timezone.localtime(starts).date(),
        "viewers": viewers,
        "postings": _postings_of(palace, values.get("postings")),
    }


def livestream_save(
    *, actor, palace: Palace, livestream: Livestream | None = None, **values: Any
) -> Livestream:
    """Create (or change) a livestreamed recruiting session: its stream, postings and viewers."""
    require_manager(actor, palace)
    if livestream is not None and livestream.palace_id != palace.pk:
        raise NotFound()
    clean = _livestream_values(palace, values)
    postings = clean.pop("postings")
    with transaction.atomic():
        if livestream is None:
            livestream = Livestream.objects.create(palace=palace, created_by=actor, **clean)
        else:
            for name, value in clean.items():
                setattr(livestream, name, value)
            livestream.save()
        livestream.postings.set(postings)
    return livestream
