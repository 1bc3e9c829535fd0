"""Subsidies: granted and paid per palace and year, and each call's grants against its budget."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import access, selectors
from ..manage_forms import FIRST_YEAR, YearForm
from ._common import head, workspace_page
from .calls import calls_with_money
from .charts import percent


@workspace_page
@require_GET
def subsidies(request):
    form = YearForm(request.GET or None)
    year = form.chosen_year()
    by_palace = [
        row | {"to_pay": row["granted"] - row["paid"]}
        for row in selectors.subsidies_by_palace_and_year(
            year, subsidies=access.subsidies_visible_to(request.user)
        )
    ]
    calls = calls_with_money().order_by("starts_on", "pk")
    if year:
        calls = calls.filter(starts_on__year__lte=year, ends_on__year__gte=year)
    call_rows = [
        {
            "call": c,
            "left": c.budget - c.granted,
            "granted_percent": percent(c.granted, c.budget),
            "paid_percent": percent(c.paid, c.budget),
        }
        for c in calls
    ]
    zero = Decimal(0)
    return render(
        request,
        "alliance/manage/subsidies.html",
        head(request, "subsidies")
        | {
            "form": form,
            "year": year,
            "years": range(timezone.localdate().year + 1, FIRST_YEAR - 1, -1),
            "by_palace": by_palace,
            "palace_totals": {
                "granted": sum((r["granted"] for r in by_palace), zero),
                "paid": sum((r["paid"] for r in by_palace), zero),
                "to_pay": sum((r["to_pay"] for r in by_palace), zero),
                "events": sum(r["events"] for r in by_palace),
            },
            "calls": call_rows,
            "call_totals": {
                "budget": sum((r["call"].budget for r in call_rows), zero),
                "granted": sum((r["call"].granted for r in call_rows), zero),
                "paid": sum((r["call"].paid for r in call_rows), zero),
                "left": sum((r["left"] for r in call_rows), zero),
            },
        },
        status=400 if form.errors else 200,
    )
