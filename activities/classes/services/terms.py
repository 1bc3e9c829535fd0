"""Terms of the night school: a palace's term, its dates, its limit per person and its overflow rule."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.access import require_manager as _require_manager
from activities.classes.models import Term
from bookings.models import Offering
from palace_portal.errors import InvalidInput
from venues.home_cache import home_page_changed
from venues.models import Palace

# --- Terms -----------------------------------------------------------------------------------------


def _term_values(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = [_("Give the term a name.")]
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if starts and ends and starts > ends:
        errors["ends_on"] = [_("The last day is before the first.")]
    opens, closes = values.get("enrolment_opens"), values.get("enrolment_closes")
    if opens and closes and opens >= closes:
        errors["enrolment_closes"] = [_("Enrolment must close after it opens.")]
    if closes and starts and timezone.localtime(closes).date() > starts + timedelta(days=28):
        errors["enrolment_closes"] = [_("Enrolment should close before the term is four weeks old.")]
    max_courses = values.get("max_courses", 2)
    if not isinstance(max_courses, int) or not 1 <= max_courses <= 20:
        errors["max_courses"] = [_("Between 1 and 20.")]
    factor = Decimal(str(values.get("overflow_factor", "1.5")))
    if not Decimal(1) <= factor <= Decimal("9.9"):
        errors["overflow_factor"] = [_("Between 1.0 and 9.9.")]
    for field in ("starts_on", "ends_on", "enrolment_opens", "enrolment_closes"):
        if not values.get(field):
            errors.setdefault(field, [_("This field is required.")])
    if errors:
        raise InvalidInput(_("Please correct the term."), fields=errors)
    return {
        "name": name[:100],
        "starts_on": starts,
        "ends_on": ends,
        "enrolment_opens": opens,
        "enrolment_closes": closes,
        "max_courses": max_courses,
        "overflow_factor": factor,
    }


def term_create(*, actor, palace: Palace, **values: Any) -> Term:
    """A new term for the palace (staff of the palace). Names are unique per palace (`term_exists`)."""
    _require_manager(actor, palace)
    clean = _term_values(values)
    with transaction.atomic():
        if Term.objects.filter(palace=palace, name=clean["name"]).exists():
            raise InvalidInput(
                _("This palace already has a term of that name."),
                code="term_exists",
                fields={"name": [_("Already used.")]},
            )
        return Term.objects.create(palace=palace, **clean)


def term_update(*, actor, term: Term, **values: Any) -> Term:
    """Change a term; the enrolment window and course limit pass on to its courses' offerings."""
    _require_manager(actor, term.palace)
    clean = _term_values(values)
    with transaction.atomic():
        if Term.objects.filter(palace=term.palace, name=clean["name"]).exclude(pk=term.pk).exists():
            raise InvalidInput(
                _("This palace already has a term of that name."),
                code="term_exists",
                fields={"name": [_("Already used.")]},
            )
        for name, value in clean.items():
            setattr(term, name, value)
        term.save()
        Offering.objects.filter(course__term=term, drawn_at__isnull=True).update(
            opens_at=term.enrolment_opens, closes_at=term.enrolment_closes, group_limit=term.max_courses
        )
        home_page_changed()  # the sign-up windows, by update(): no signal (venues/home_cache.py)
    return term
