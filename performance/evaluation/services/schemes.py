"""Defining schemes: provincial staff create, edit, copy and publish; a published scheme is frozen.

Every function takes the acting user, refuses anyone but a provincial officer with `NotFound`
(nobody else learns a draft exists), runs in one transaction with the scheme's row locked, and
refuses changes to a published scheme with `RuleViolation("scheme_published")`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from palace_portal.months import MAX_YEAR, MIN_YEAR

from .. import access
from ..catalogue import metric_names
from ..formulas import FormulaError, clean_formula
from ..models import SCHEME_TOTAL, Category, Indicator, Scheme
from ._common import clean_text, parse_score


def _require_definer(actor) -> None:
    if not access.may_define_schemes(actor):
        raise NotFound()


def _locked_draft(scheme: Scheme) -> Scheme:
    locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if not locked.is_draft:
        raise RuleViolation(
            _("The scheme is published and can no longer be changed."), code="scheme_published"
        )
    return locked


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not MIN_YEAR <= year <= MAX_YEAR:
        message = _("Enter a year from %(min)d to %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        raise InvalidInput(message, fields={"year": [message]})
    return year


def _year_free(year: int, *, exclude: int | None = None) -> None:
    if Scheme.objects.filter(year=year).exclude(pk=exclude).exists():
        message = _("There is already a scheme for %(year)d.") % {"year": year}
        raise InvalidInput(message, fields={"year": [message]})


def _marks(values: dict[str, Any]) -> tuple[Decimal, Decimal]:
    standard = parse_score(values.get("standard_mark", 85), maximum=SCHEME_TOTAL, field="standard_mark")
    basic = parse_score(values.get("basic_mark", 70), maximum=SCHEME_TOTAL, field="basic_mark")
    if not Decimal(0) < basic < standard:
        message = _(
            "The mark for 'basically up to standard' must be above 0 and below the mark for 'standardised'."
        )
        raise InvalidInput(message, fields={"basic_mark": [message]})
    return standard, basic


def scheme_create(*, actor, year, name: str, description: str = "", **marks: Any) -> Scheme:
    """A new, empty draft scheme for `year` (one scheme a year)."""
    _require_definer(actor)
    year = _year(year)
    name = clean_text(name, field="name", limit=120, required=True)
    description = clean_text(description, field="description", limit=4000)
    standard, basic = _marks(marks)
    with transaction.atomic():
        _year_free(year)
        try:
            with transaction.atomic():
                return Scheme.objects.create(
                    year=year, name=name, description=description, standard_mark=standard, basic_mark=basic
                )
        except IntegrityError:  # a scheme for the year was created meanwhile
            _year_free(year)
            raise


def scheme_update(
    *, actor, scheme: Scheme, name: str, description: str = "", year=None, **marks: Any
) -> Scheme:
    _require_definer(actor)
    name = clean_text(name, field="name", limit=120, required=True)
    description = clean_text(description, field="description", limit=4000)
    standard, basic = _marks(marks)
    with transaction.atomic():
        scheme = _locked_draft(scheme)
        if year is not None:
            scheme.year = _year(year)
            _year_free(scheme.year, exclude=scheme.pk)
        scheme.name, scheme.description = name, description
        scheme.standard_mark, scheme.basic_mark = standard, basic
        scheme.save()
    return scheme


def scheme_copy(*, actor, source: Scheme, year, name: str = "") -> Scheme:
    """A draft for `year` with `source`'s categories and indicators (the usual way to start a
    year: last year's scheme, then edit). Bulk inserts: three queries whatever the size."""
    _require_definer(actor)
    year = _year(year)
    name = clean_text(name, field="name", limit=120) or _("Standardisation evaluation %(year)d") % {
        "year": year
    }
    with transaction.atomic():
        _year_free(year)
        copy = Scheme.objects.create(
            year=year,
            name=name,
            description=source.description,
            standard_mark=source.standard_mark,
            basic_mark=source.basic_mark,
        )
        categories = list(source.categories.order_by("order"))
        new = Category.objects.bulk_create(
            Category(
                scheme=copy, order=c.order, name=c.name, description=c.description, max_score=c.max_score
            )
            for c in categories
        )
        by_old = {old.pk: created for old, created in zip(categories, new, strict=True)}
        Indicator.objects.bulk_create(
            Indicator(
                scheme=copy,
                category=by_old[i.category_id],
                order=i.order,
                code=i.code,
                text=i.text,
                guide=i.guide,
                max_score=i.max_score,
                kind=i.kind,
                formula=i.formula,
            )
            for i in source.indicators.all()
        )
    return copy


def scheme_delete(*, actor, scheme: Scheme) -> None:
    """Only a draft goes (it has no evaluations: those need a published scheme)."""
    _require_definer(actor)
    with transaction.atomic():
        scheme = _locked_draft(scheme)
        scheme.indicators.all().delete()
        scheme.delete()


def scheme_problems(scheme: Scheme) -> list[str]:
    """What stands between the scheme and its publication (empty: it may be published).

    Two queries, whatever the scheme's size."""
    problems = []
    categories = list(
        scheme.categories.annotate(indicator_sum=Sum("indicators__max_score")).order_by("order")
    )
    if not categories:
        return [_("The scheme has no category yet.")]
    total = sum((c.max_score for c in categories), Decimal(0))
    if total != SCHEME_TOTAL:
        problems.append(
            _("The categories' maximum scores add up to %(total)s, not %(expected)s.")
            % {"total": f"{total.normalize():f}", "expected": SCHEME_TOTAL}
        )
    for category in categories:
        got = category.indicator_sum or Decimal(0)
        if got != category.max_score:
            problems.append(
                _("%(category)s: its indicators add up to %(got)s of its %(max)s points.")
                % {
                    "category": category.name,
                    "got": f"{got.normalize():f}",
                    "max": f"{category.max_score.normalize():f}",
                }
            )
    codes = metric_names()
    for indicator in scheme.indicators.filter(kind=Indicator.Kind.FORMULA).order_by("code"):
        try:
            clean_formula(indicator.formula, max_score=indicator.max_score, metric_codes=codes)
        except FormulaError as error:
            problems.append(
                _("Indicator %(code)s: %(problem)s")
                % {"code": indicator.code, "problem": "; ".join(error.messages)}
            )
    return problems


def scheme_publish(*, actor, scheme: Scheme) -> Scheme:
    """Publish a complete draft: categories adding up to 100, indicators to their category's
    maximum, every formula valid. From now on palaces may self-evaluate and the scheme is frozen."""
    _require_definer(actor)
    with transaction.atomic():
        scheme = _locked_draft(scheme)
        problems = scheme_problems(scheme)
        if problems:
            raise RuleViolation(
                _("The scheme cannot be published yet: %(problems)s") % {"problems": " ".join(problems)},
                code="scheme_incomplete",
            )
        scheme.status = Scheme.Status.PUBLISHED
        scheme.published_at = timezone.now()
        scheme.published_by = actor
        scheme.save(update_fields=["status", "published_at", "published_by"])
    return scheme


def _order(value, *, siblings, field: str = "order") -> int:
    if value in (None, ""):
        return (siblings.aggregate(top=Max("order"))["top"] or 0) + 1
    try:
        order = int(value)
    except (TypeError, ValueError):
        order = 0
    if not 1 <= order <= 999:
        message = _("Give a position from 1 to 999.")
        raise InvalidInput(message, fields={field: [message]})
    return order


def category_save(
    *,
    actor,
    scheme: Scheme,
    category: Category | None = None,
    name: str,
    max_score,
    order=None,
    description: str = "",
) -> Category:
    """Add or change a category of a draft. Its maximum may not fall below its indicators' sum,
    and all categories together may not exceed the scheme's 100 points."""
    _require_definer(actor)
    name = clean_text(name, field="name", limit=80, required=True)
    description = clean_text(description, field="description", limit=2000)
    maximum = parse_score(max_score, maximum=SCHEME_TOTAL, field="max_score")
    if maximum == 0:
        message = _("Give a maximum above 0.")
        raise InvalidInput(message, fields={"max_score": [message]})
    with transaction.atomic():
        scheme = _locked_draft(scheme)
        if category is not None and category.scheme_id != scheme.pk:
            raise NotFound()
        others = scheme.categories.exclude(pk=getattr(category, "pk", None))
        order = _order(order, siblings=others)
        if others.filter(order=order).exists():
            message = _("Another category already has this position.")
            raise InvalidInput(message, fields={"order": [message]})
        taken = others.aggregate(total=Sum("max_score"))["total"] or Decimal(0)
        if taken + maximum > SCHEME_TOTAL:
            message = _("The categories would add up to more than %(total)s points (%(left)s left).") % {
                "total": SCHEME_TOTAL,
                "left": f"{(SCHEME_TOTAL - taken).normalize():f}",
            }
            raise InvalidInput(message, fields={"max_score": [message]})
        if category is not None:
            used = category.indicators.aggregate(total=Sum("max_score"))["total"] or Decimal(0)
            if maximum < used:
                message = _("Its indicators already give %(used)s points.") % {
                    "used": f"{used.normalize():f}"
                }
                raise InvalidInput(message, fields={"max_score": [message]})
        category = category or Category(scheme=scheme)
        category.name, category.description, category.max_score, category.order = (
            name,
            description,
            maximum,
            order,
        )
        category.save()
    return category


def category_delete(*, actor, category: Category) -> None:
    _require_definer(actor)
    with transaction.atomic():
        _locked_draft(category.scheme)
        category.indicators.all().delete()
        category.delete()


def indicator_save(
    *,
    actor,
    category: Category,
    indicator: Indicator | None = None,
    code: str,
    text: str,
    max_score,
    kind: str = Indicator.Kind.MANUAL,
    formula: Any = None,
    guide: str = "",
    order=None,
) -> Indicator:
    """Add or change an indicator of a draft. Manual indicators have no formula; formula
    indicators have a valid one over the catalogue's metrics (`formulas.clean_formula`)."""
    _require_definer(actor)
    code = clean_text(code, field="code", limit=12, required=True)
    body = clean_text(text, field="text", limit=300, required=True)
    guide = clean_text(guide, field="guide", limit=2000)
    maximum = parse_score(max_score, maximum=SCHEME_TOTAL, field="max_score")
    if maximum == 0:
        message = _("Give a maximum above 0.")
        raise InvalidInput(message, fields={"max_score": [message]})
    if kind not in Indicator.Kind.values:
        message = _("Choose how the indicator is scored.")
        raise InvalidInput(message, fields={"kind": [message]})
    if kind == Indicator.Kind.FORMULA:
        try:
            formula = clean_formula(formula, max_score=maximum, metric_codes=metric_names())
        except FormulaError as error:
            raise InvalidInput(error.messages[0], fields={"formula": error.messages}) from error
    else:
        formula = None
    with transaction.atomic():
        scheme = _locked_draft(category.scheme)
        if indicator is not None and indicator.category.scheme_id != scheme.pk:
            raise NotFound()
        if scheme.indicators.filter(code=code).exclude(pk=getattr(indicator, "pk", None)).exists():
            message = _("Another indicator of this scheme already has this code.")
            raise InvalidInput(message, fields={"code": [message]})
        siblings = category.indicators.exclude(pk=getattr(indicator, "pk", None))
        order = _order(order, siblings=siblings)
        if siblings.filter(order=order).exists():
            message = _("Another indicator of this category already has this position.")
            raise InvalidInput(message, fields={"order": [message]})
        used = siblings.aggregate(total=Sum("max_score"))["total"] or Decimal(0)
        if used + maximum > category.max_score:
            message = _(
                "The category's indicators would give more than its %(max)s points (%(left)s left)."
            ) % {
                "max": f"{category.max_score.normalize():f}",
                "left": f"{(category.max_score - used).normalize():f}",
            }
            raise InvalidInput(message, fields={"max_score": [message]})
        indicator = indicator or Indicator(scheme=scheme)
        indicator.category = category
        indicator.code, indicator.text, indicator.guide, indicator.order = code, body, guide, order
        indicator.max_score, indicator.kind, indicator.formula = maximum, kind, formula
        indicator.save()
    return indicator


def indicator_delete(*, actor, indicator: Indicator) -> None:
    _require_definer(actor)
    with transaction.atomic():
        _locked_draft(indicator.scheme)
        indicator.delete()
