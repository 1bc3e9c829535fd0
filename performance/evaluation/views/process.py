"""Pages of the evaluation process: the provincial overview and league table, the city's review
queue, the palace's self-evaluation and the one evaluation page every role shares (its form
depends on who looks and at which step), evidence files behind an access check."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from palace_portal.errors import PortalError
from venues import access as venue_access
from venues.models import Palace, Region

from .. import access, services
from ..charts import bar_chart
from ..models import SCHEME_TOTAL, Band, Evaluation, Evidence, Scheme
from ..selectors import (
    evaluation_or_none,
    evaluation_sheet,
    league_table,
    palace_evaluations,
    review_queue,
    scoring_queue,
    year_overview,
)
from ..uploads import ACCEPT_ATTRIBUTE, MAX_BYTES
from ._common import evaluation_page, refuse, reviewer_page, year_from

BAND_CSS = {Band.STANDARDISED: "is-standardised", Band.BASIC: "is-basic", Band.NOT_YET: "is-not-yet"}


@evaluation_page
@require_GET
def home(request):
    """The menu entry: each role lands on its own page."""
    user = request.user
    if access.may_score(user) or access.palaces_reviewable_by(user).exists():
        return redirect("performance:evaluation:overview")
    palaces = list(access.palaces_with_visible_evaluations(user).order_by("name")[:2])
    if len(palaces) == 1:
        return redirect("performance:evaluation:palace", palace_id=palaces[0].pk)
    return render(
        request,
        "performance/evaluation/palaces.html",
        {"palaces": access.palaces_with_visible_evaluations(user).order_by("name")},
    )


@reviewer_page
@require_GET
def overview(request):
    """The year at a glance: how many palaces self-evaluate, wait for the city, the province, are
    concluded. The province sees every palace; a city officer the city's, with the review queue."""
    year = year_from(request)
    province = access.may_score(request.user)
    scope = None if province else access.palaces_reviewable_by(request.user)
    summary = year_overview(year, palaces=scope)
    years = list(
        Scheme.objects.filter(status=Scheme.Status.PUBLISHED).order_by("-year").values_list("year", flat=True)
    )
    return render(
        request,
        "performance/evaluation/overview.html",
        {
            "year": year,
            "years": years,
            "overview": summary,
            "province": province,
            "to_review": review_queue(request.user).filter(scheme__year=year),
            "to_score": scoring_queue().filter(scheme__year=year) if province else [],
            "tab": "overview",
        },
    )


@reviewer_page
@require_GET
def league(request):
    """Concluded results of a year, best first, with ties sharing a rank; filter by city and
    level. A city officer sees the palaces of their city only. Without `?year=` it opens on the
    newest year with concluded results (the year under way has none until it ends)."""
    from ..models import Evaluation

    latest = (
        Evaluation.objects.filter(status=Evaluation.Status.CONCLUDED)
        .order_by("-scheme__year")
        .values_list("scheme__year", flat=True)
        .first()
    )
    year = year_from(request, default=latest)
    cities = Region.objects.filter(level=Region.Level.CITY).order_by("code")
    city = None
    if request.GET.get("city", "").isdigit():
        city = cities.filter(pk=int(request.GET["city"])).first()
    level = request.GET.get("level", "")
    level = level if level in Palace.Level.values else ""
    scheme, lines = league_table(year, city=city, level=level)
    visible = set(venue_access.palaces_visible_to(request.user).values_list("pk", flat=True))
    lines = [line for line in lines if line.evaluation.palace_id in visible]
    chart = None
    if scheme is not None and lines:
        chart = bar_chart(
            [
                (
                    line.evaluation.palace.name,
                    line.evaluation.total,
                    SCHEME_TOTAL,
                    BAND_CSS.get(line.evaluation.band, ""),
                )
                for line in lines
            ],
            scale=SCHEME_TOTAL,
            marks=[
                (scheme.standard_mark, f"{scheme.standard_mark:.0f}"),
                (scheme.basic_mark, f"{scheme.basic_mark:.0f}"),
            ],
        )
    bands = {b: sum(1 for line in lines if line.evaluation.band == b) for b in Band.values}
    years = list(
        Scheme.objects.filter(status=Scheme.Status.PUBLISHED).order_by("-year").values_list("year", flat=True)
    )
    return render(
        request,
        "performance/evaluation/league.html",
        {
            "year": year,
            "years": years,
            "scheme": scheme,
            "lines": lines,
            "chart": chart,
            "cities": cities,
            "city": city,
            "level": level,
            "levels": Palace.Level.choices,
            "bands": [(Band(b).label, n, BAND_CSS[b]) for b, n in bands.items()],
            "categories": list(scheme.categories.all()) if scheme else [],
            "tab": "league",
        },
    )


@evaluation_page
@require_GET
def palace_home(request, palace_id: int):
    """A palace's evaluations by year, with the button to start the year's self-evaluation."""
    palace = get_object_or_404(access.palaces_with_visible_evaluations(request.user), pk=palace_id)
    return render(
        request,
        "performance/evaluation/palace.html",
        {
            "palace": palace,
            "rows": palace_evaluations(request.user, palace),
            "may_self_evaluate": access.may_self_evaluate(request.user, palace),
            "in_service": palace.status == Palace.Status.IN_SERVICE,
        },
    )


@evaluation_page
@require_POST
def evaluation_start(request, palace_id: int, scheme_id: int):
    palace = get_object_or_404(access.palaces_self_evaluating(request.user), pk=palace_id)
    scheme = get_object_or_404(Scheme.objects.filter(status=Scheme.Status.PUBLISHED), pk=scheme_id)
    try:
        evaluation = services.evaluation_start(actor=request.user, scheme=scheme, palace=palace)
    except PortalError as error:
        refuse(request, error)
        return redirect("performance:evaluation:palace", palace_id=palace.pk)
    return redirect("performance:evaluation:evaluation", pk=evaluation.pk)


def _evaluation_or_404(request, pk: int) -> Evaluation:
    evaluation = evaluation_or_none(request.user, pk)
    if evaluation is None:
        raise Http404
    return evaluation


def _mode(user, evaluation: Evaluation) -> str:
    if evaluation.palace_may_edit and access.may_self_evaluate(user, evaluation.palace):
        return "self"
    if evaluation.status == Evaluation.Status.SUBMITTED and access.may_review(user, evaluation.palace):
        return "review"
    if evaluation.status == Evaluation.Status.REVIEWED and access.may_score(user):
        return "score"
    return "read"


@evaluation_page
@require_GET
def evaluation_detail(request, pk: int):
    evaluation = _evaluation_or_404(request, pk)
    mode = _mode(request.user, evaluation)
    sections = evaluation_sheet(evaluation, live=mode == "self")
    concluded = evaluation.is_concluded
    chart = bar_chart(
        [
            (
                s.category.name,
                s.final_total if concluded else s.self_total,
                s.category.max_score,
                "is-final" if concluded else "is-self",
            )
            for s in sections
        ],
        scale=max((s.category.max_score for s in sections), default=Decimal(1)),
    )
    self_total = sum((s.self_total for s in sections), Decimal(0))
    return render(
        request,
        "performance/evaluation/evaluation.html",
        {
            "evaluation": evaluation,
            "scheme": evaluation.scheme,
            "palace": evaluation.palace,
            "mode": mode,
            "sections": sections,
            "chart": chart,
            "self_total": self_total,
            "open_count": sum(s.open_count for s in sections),
            "band_css": BAND_CSS.get(evaluation.band, ""),
            "steps": evaluation.steps.select_related("actor").order_by("at", "pk"),
            "accept": ACCEPT_ATTRIBUTE,
            "max_mb": MAX_BYTES // (1024 * 1024),
            "may_score": access.may_score(request.user),
        },
    )


def _labels(evaluation: Evaluation) -> dict[str, str]:
    """Form field names → the indicator's code, to say which indicator a refusal is about."""
    labels = {}
    for pk, code in evaluation.scheme.indicators.values_list("pk", "code"):
        for prefix in ("score_", "note_", "comment_", "final_", "finalnote_"):
            labels[f"{prefix}{pk}"] = code
    return labels


def _entries(post, score_prefix: str, note_prefix: str) -> dict[int, dict[str, str]]:
    """`{indicator id: {"score", "note"}}` from fields named `<prefix><id>`."""
    entries: dict[int, dict[str, str]] = {}
    for key, value in post.items():
        for prefix, slot in ((score_prefix, "score"), (note_prefix, "note")):
            if key.startswith(prefix) and key[len(prefix) :].isdigit() and len(key) - len(prefix) <= 18:
                entries.setdefault(int(key[len(prefix) :]), {})[slot] = value
    return entries


@evaluation_page
@require_POST
def self_save(request, pk: int):
    evaluation = _evaluation_or_404(request, pk)
    try:
        services.evaluation_self_save(
            actor=request.user, evaluation=evaluation, entries=_entries(request.POST, "score_", "note_")
        )
        if request.POST.get("action") == "submit":
            services.evaluation_submit(actor=request.user, evaluation=evaluation)
            messages.success(request, _("The self-evaluation was submitted to the city for review."))
        else:
            messages.success(request, _("The self-evaluation was saved."))
    except PortalError as error:
        refuse(request, error, _labels(evaluation))
    return redirect("performance:evaluation:evaluation", pk=evaluation.pk)


@evaluation_page
@require_POST
def evidence_upload(request, pk: int):
    evaluation = _evaluation_or_404(request, pk)
    indicator = request.POST.get("indicator", "")
    try:
        services.evidence_add(
            actor=request.user,
            evaluation=evaluation,
            indicator_id=int(indicator) if indicator.isdigit() and len(indicator) <= 18 else 0,
            upload=request.FILES.get("file"),
        )
        messages.success(request, _("The file was added."))
    except PortalError as error:
        refuse(request, error)
    anchor = f"#indicator-{indicator}" if indicator.isdigit() else ""
    return redirect(f"{evaluation_url(evaluation)}{anchor}")


def evaluation_url(evaluation: Evaluation) -> str:
    from django.urls import reverse

    return reverse("performance:evaluation:evaluation", kwargs={"pk": evaluation.pk})


@evaluation_page
@require_GET
def evidence_download(request, pk: int, evidence_id: int):
    """The file, to those who may see the evaluation (404 to anyone else), as an attachment with
    the type it was sniffed as, so a browser never renders it in the portal's origin."""
    evaluation = _evaluation_or_404(request, pk)
    evidence = get_object_or_404(Evidence.objects.filter(evaluation=evaluation), pk=evidence_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@evaluation_page
@require_POST
def evidence_delete(request, pk: int, evidence_id: int):
    evaluation = _evaluation_or_404(request, pk)
    evidence = get_object_or_404(Evidence.objects.filter(evaluation=evaluation), pk=evidence_id)
    try:
        services.evidence_remove(actor=request.user, evidence=evidence)
        messages.success(request, _("The file was removed."))
    except PortalError as error:
        refuse(request, error)
    return redirect(evaluation_url(evaluation))


@evaluation_page
@require_POST
def review(request, pk: int):
    evaluation = _evaluation_or_404(request, pk)
    comments = {
        int(key[len("comment_") :]): value
        for key, value in request.POST.items()
        if key.startswith("comment_") and key[len("comment_") :].isdigit() and len(key) <= 26
    }
    forward = request.POST.get("decision") == "forward"
    try:
        services.evaluation_review(
            actor=request.user,
            evaluation=evaluation,
            forward=forward,
            opinion=request.POST.get("opinion", ""),
            comments=comments,
        )
        messages.success(
            request,
            _("The evaluation was forwarded to the province.")
            if forward
            else _("The evaluation was returned to the palace."),
        )
    except PortalError as error:
        refuse(request, error, _labels(evaluation))
        return redirect(evaluation_url(evaluation))
    return redirect("performance:evaluation:overview")


@evaluation_page
@require_POST
def score(request, pk: int):
    evaluation = _evaluation_or_404(request, pk)
    entries = _entries(request.POST, "final_", "finalnote_")
    action = request.POST.get("action")
    try:
        if action == "conclude":
            services.evaluation_conclude(
                actor=request.user,
                evaluation=evaluation,
                entries=entries,
                conclusion=request.POST.get("conclusion", ""),
            )
            messages.success(request, _("The evaluation is concluded."))
        elif action == "return":
            services.evaluation_return(
                actor=request.user, evaluation=evaluation, reason=request.POST.get("conclusion", "")
            )
            messages.success(request, _("The evaluation was returned to the palace."))
        else:
            services.evaluation_score(actor=request.user, evaluation=evaluation, entries=entries)
            messages.success(request, _("The scores were saved."))
    except PortalError as error:
        refuse(request, error, _labels(evaluation))
    return redirect(evaluation_url(evaluation))
