"""The evaluation of one palace: self-evaluation with evidence, city review, provincial scoring
and conclusion.

    draft ──submit──▶ submitted ──city forwards──▶ reviewed ──province concludes──▶ concluded
      ▲                   │                            │
      └──── returned ◀────┴── city returns ────────────┴── province returns

Who: the palace's manager writes the self-evaluation (`access.may_self_evaluate`); city officers
of the palace's city review (`access.may_review`; the province may stand in); provincial officers
score, conclude and return (`access.may_score`). Anyone else: `NotFound`, so an evaluation out of
reach is indistinguishable from none. A step out of turn: `RuleViolation` with a machine code, and
nothing changes. Every function is one transaction and locks the evaluation's row first, so two
people acting at once are serialised and the second sees the first's result.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from venues.models import Palace

from .. import access
from ..catalogue import year_figures
from ..formulas import metrics_of
from ..formulas import score as formula_score
from ..models import Evaluation, EvaluationStep, Evidence, Indicator, Scheme, Score
from ..uploads import MAX_FILES_PER_INDICATOR, check_upload
from ._common import clean_text, merge_errors, parse_score

Status = Evaluation.Status
Action = EvaluationStep.Action


def _locked(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update().select_related("scheme", "palace").get(pk=evaluation.pk)


def _step(evaluation: Evaluation, action: str, actor, note: str = "", at: datetime | None = None) -> None:
    EvaluationStep.objects.create(
        evaluation=evaluation, action=action, actor=actor, note=note, at=at or timezone.now()
    )


def _refuse_status(evaluation: Evaluation, expected: str) -> None:
    messages = {
        Status.SUBMITTED: (
            _("The self-evaluation has not been submitted, or was already reviewed."),
            "not_submitted",
        ),
        Status.REVIEWED: (_("The evaluation is not waiting for the province."), "not_reviewed"),
        "editable": (_("The self-evaluation is submitted and can no longer be changed."), "not_editable"),
    }
    if evaluation.status == Status.CONCLUDED:
        raise RuleViolation(_("The evaluation is already concluded."), code="already_concluded")
    message, code = messages[expected]
    raise RuleViolation(message, code=code)


def refresh_formula_scores(evaluation: Evaluation) -> None:
    """Score the evaluation's formula indicators from the ledgers' figures of the scheme's year and
    keep the figures used beside each score. Three queries whatever the scheme's size."""
    scores = list(
        evaluation.scores.filter(indicator__kind=Indicator.Kind.FORMULA).select_related("indicator")
    )
    if not scores:
        return
    codes = {code for s in scores for code in metrics_of(s.indicator.formula)}
    figures = year_figures([evaluation.palace_id], evaluation.scheme.year, codes).get(
        evaluation.palace_id, {}
    )
    for row in scores:
        row.auto_score, row.auto_figures = formula_score(
            row.indicator.formula, max_score=row.indicator.max_score, figures=figures
        )
    Score.objects.bulk_update(scores, ["auto_score", "auto_figures"])


def evaluation_start(*, actor, scheme: Scheme, palace: Palace) -> Evaluation:
    """Open the palace's evaluation against a published scheme (or return the one already open):
    one score row per indicator, the formula ones computed from the ledgers so far."""
    if not access.may_self_evaluate(actor, palace):
        raise NotFound()
    if scheme.is_draft:
        raise NotFound()
    if palace.status != Palace.Status.IN_SERVICE:
        raise RuleViolation(
            _("Only a palace in service takes part in the evaluation."), code="palace_not_in_service"
        )
    with transaction.atomic():
        existing = Evaluation.objects.filter(scheme=scheme, palace=palace).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(scheme=scheme, palace=palace)
        except IntegrityError:  # opened at the same moment by another manager of the palace
            return Evaluation.objects.get(scheme=scheme, palace=palace)
        Score.objects.bulk_create(Score(evaluation=evaluation, indicator=i) for i in scheme.indicators.all())
        _step(evaluation, Action.STARTED, actor)
        refresh_formula_scores(evaluation)
    return evaluation


def evaluation_self_save(
    *, actor, evaluation: Evaluation, entries: Mapping[int, Mapping[str, Any]]
) -> Evaluation:
    """Save self-scores and notes: `entries` maps indicator ids to `{"score", "note"}`. Scores of
    manual indicators only (formula indicators score themselves); an empty score clears it.
    All or nothing: any invalid entry refuses the lot (`InvalidInput`, fields `score_<id>`)."""
    if not access.may_self_evaluate(actor, evaluation.palace):
        raise NotFound()
    with transaction.atomic():
        evaluation = _locked(evaluation)
        if not evaluation.palace_may_edit:
            _refuse_status(evaluation, "editable")
        rows = {s.indicator_id: s for s in evaluation.scores.select_related("indicator")}
        errors: dict[str, list[str]] = {}
        changed = []
        for indicator_id, entry in entries.items():
            row = rows.get(int(indicator_id))
            if row is None:
                errors[f"score_{indicator_id}"] = [_("No such indicator in this scheme.")]
                continue
            try:
                note = clean_text(entry.get("note", ""), field=f"note_{indicator_id}", limit=2000)
                if row.indicator.is_formula:
                    if entry.get("score") not in (None, ""):
                        errors[f"score_{indicator_id}"] = [_("This indicator is scored from the ledgers.")]
                        continue
                    value = None
                else:
                    value = parse_score(
                        entry.get("score"),
                        maximum=row.indicator.max_score,
                        field=f"score_{indicator_id}",
                        required=False,
                    )
            except InvalidInput as error:
                errors.update({k: [str(m) for m in v] for k, v in error.fields.items()})
                continue
            row.self_score, row.self_note = value, note
            changed.append(row)
        merge_errors(errors)
        Score.objects.bulk_update(changed, ["self_score", "self_note"])
    return evaluation


def evaluation_submit(*, actor, evaluation: Evaluation) -> Evaluation:
    """Hand the self-evaluation to the city: every manual indicator needs a self-score
    (`RuleViolation("self_evaluation_incomplete")` names the missing ones). The formula
    indicators are scored from the ledgers as they stand now."""
    if not access.may_self_evaluate(actor, evaluation.palace):
        raise NotFound()
    with transaction.atomic():
        evaluation = _locked(evaluation)
        if not evaluation.palace_may_edit:
            _refuse_status(evaluation, "editable")
        missing = list(
            evaluation.scores.filter(indicator__kind=Indicator.Kind.MANUAL, self_score__isnull=True)
            .order_by("indicator__category__order", "indicator__order")
            .values_list("indicator__code", flat=True)
        )
        if missing:
            raise RuleViolation(
                _("Score every indicator before submitting; missing: %(codes)s.")
                % {"codes": ", ".join(missing)},
                code="self_evaluation_incomplete",
            )
        refresh_formula_scores(evaluation)
        evaluation.status, evaluation.submitted_at = Status.SUBMITTED, timezone.now()
        evaluation.save(update_fields=["status", "submitted_at"])
        _step(evaluation, Action.SUBMITTED, actor, at=evaluation.submitted_at)
    return evaluation


def evaluation_review(
    *,
    actor,
    evaluation: Evaluation,
    forward: bool,
    opinion: str = "",
    comments: Mapping[int, str] | None = None,
) -> Evaluation:
    """The city's review of a submitted self-evaluation: a comment per indicator (optional), an
    opinion, and either forward it to the province or return it to the palace (an opinion is then
    required: it is the reason the palace reads)."""
    if not access.may_review(actor, evaluation.palace):
        raise NotFound()
    opinion = clean_text(
        opinion,
        field="opinion",
        limit=2000,
        required=not forward,
        message=_("Say why the self-evaluation goes back to the palace."),
    )
    with transaction.atomic():
        evaluation = _locked(evaluation)
        if evaluation.status != Status.SUBMITTED:
            _refuse_status(evaluation, Status.SUBMITTED)
        if comments:
            rows = {s.indicator_id: s for s in evaluation.scores.all()}
            errors, changed = {}, []
            for indicator_id, comment in comments.items():
                row = rows.get(int(indicator_id))
                if row is None:
                    errors[f"comment_{indicator_id}"] = [_("No such indicator in this scheme.")]
                    continue
                try:
                    row.city_comment = clean_text(comment, field=f"comment_{indicator_id}", limit=2000)
                except InvalidInput as error:
                    errors.update({k: [str(m) for m in v] for k, v in error.fields.items()})
                    continue
                changed.append(row)
            merge_errors(errors)
            Score.objects.bulk_update(changed, ["city_comment"])
        now = timezone.now()
        evaluation.city_opinion = opinion
        evaluation.status = Status.REVIEWED if forward else Status.RETURNED
        evaluation.reviewed_at = now if forward else None
        evaluation.save(update_fields=["city_opinion", "status", "reviewed_at"])
        _step(evaluation, Action.FORWARDED if forward else Action.RETURNED, actor, opinion, at=now)
    return evaluation


def _save_final_scores(evaluation: Evaluation, entries: Mapping[int, Mapping[str, Any]]) -> None:
    rows = {s.indicator_id: s for s in evaluation.scores.select_related("indicator")}
    errors, changed = {}, []
    for indicator_id, entry in entries.items():
        row = rows.get(int(indicator_id))
        if row is None:
            errors[f"final_{indicator_id}"] = [_("No such indicator in this scheme.")]
            continue
        if row.indicator.is_formula:
            if entry.get("score") not in (None, ""):
                errors[f"final_{indicator_id}"] = [_("This indicator is scored from the ledgers.")]
            continue
        try:
            value = parse_score(
                entry.get("score"),
                maximum=row.indicator.max_score,
                field=f"final_{indicator_id}",
                required=False,
            )
            note = clean_text(entry.get("note", ""), field=f"finalnote_{indicator_id}", limit=2000)
        except InvalidInput as error:
            errors.update({k: [str(m) for m in v] for k, v in error.fields.items()})
            continue
        row.final_score, row.final_note = value, note
        changed.append(row)
    merge_errors(errors)
    Score.objects.bulk_update(changed, ["final_score", "final_note"])


def evaluation_score(
    *, actor, evaluation: Evaluation, entries: Mapping[int, Mapping[str, Any]]
) -> Evaluation:
    """Save the province's final scores of manual indicators (`{"score", "note"}` per indicator
    id) without concluding: scoring 59 indicators may take more than one sitting."""
    if not access.may_score(actor):
        raise NotFound()
    with transaction.atomic():
        evaluation = _locked(evaluation)
        if evaluation.status != Status.REVIEWED:
            _refuse_status(evaluation, Status.REVIEWED)
        _save_final_scores(evaluation, entries)
    return evaluation


def evaluation_conclude(
    *,
    actor,
    evaluation: Evaluation,
    conclusion: str = "",
    entries: Mapping[int, Mapping[str, Any]] | None = None,
) -> Evaluation:
    """Conclude a reviewed evaluation: save `entries` if given, require a final score for every
    manual indicator, score the formula indicators from the ledgers once more (final), then write
    the total and the band. Two officers concluding at once: the first wins, the second is told
    `already_concluded` and changes nothing."""
    if not access.may_score(actor):
        raise NotFound()
    conclusion = clean_text(conclusion, field="conclusion", limit=2000)
    with transaction.atomic():
        evaluation = _locked(evaluation)
        if evaluation.status != Status.REVIEWED:
            _refuse_status(evaluation, Status.REVIEWED)
        if entries:
            _save_final_scores(evaluation, entries)
        missing = list(
            evaluation.scores.filter(indicator__kind=Indicator.Kind.MANUAL, final_score__isnull=True)
            .order_by("indicator__category__order", "indicator__order")
            .values_list("indicator__code", flat=True)
        )
        if missing:
            raise RuleViolation(
                _("Give a final score to every indicator before concluding; missing: %(codes)s.")
                % {"codes": ", ".join(missing)},
                code="scoring_incomplete",
            )
        refresh_formula_scores(evaluation)
        formula_rows = list(evaluation.scores.filter(indicator__kind=Indicator.Kind.FORMULA))
        for row in formula_rows:
            row.final_score = row.auto_score
        Score.objects.bulk_update(formula_rows, ["final_score"])
        total = sum((s.final_score for s in evaluation.scores.all()), Decimal(0))
        now = timezone.now()
        evaluation.total = total
        evaluation.band = evaluation.scheme.band_for(total)
        evaluation.conclusion = conclusion
        evaluation.status, evaluation.concluded_at = Status.CONCLUDED, now
        evaluation.save(update_fields=["total", "band", "conclusion", "status", "concluded_at"])
        _step(evaluation, Action.CONCLUDED, actor, conclusion, at=now)
    return evaluation


def evaluation_return(*, actor, evaluation: Evaluation, reason: str) -> Evaluation:
    """The province sends a reviewed evaluation back to the palace, with the reason."""
    if not access.may_score(actor):
        raise NotFound()
    reason = clean_text(
        reason, field="reason", limit=2000, required=True, message=_("Say why the evaluation goes back.")
    )
    with transaction.atomic():
        evaluation = _locked(evaluation)
        if evaluation.status != Status.REVIEWED:
            _refuse_status(evaluation, Status.REVIEWED)
        evaluation.status = Status.RETURNED
        evaluation.save(update_fields=["status"])
        _step(evaluation, Action.RETURNED, actor, reason)
    return evaluation


def evidence_add(*, actor, evaluation: Evaluation, indicator_id: int, upload) -> Evidence:
    """Attach a file to an indicator of the palace's own open self-evaluation. The file is
    checked by content (`uploads.check_upload`) and stored under a random name."""
    if not access.may_self_evaluate(actor, evaluation.palace):
        raise NotFound()
    kind, name = check_upload(upload)
    with transaction.atomic():
        evaluation = _locked(evaluation)
        if not evaluation.palace_may_edit:
            _refuse_status(evaluation, "editable")
        indicator = evaluation.scheme.indicators.filter(pk=indicator_id).first()
        if indicator is None:
            message = _("No such indicator in this scheme.")
            raise InvalidInput(message, fields={"indicator": [message]})
        if evaluation.evidence.filter(indicator=indicator).count() >= MAX_FILES_PER_INDICATOR:
            raise RuleViolation(
                _("At most %(n)d files per indicator.") % {"n": MAX_FILES_PER_INDICATOR},
                code="too_many_files",
            )
        evidence = Evidence(
            palace=evaluation.palace,
            evaluation=evaluation,
            indicator=indicator,
            name=name,
            content_type=kind.content_type,
            extension=kind.extension,
            size=upload.size,
            uploaded_by=actor,
        )
        upload.seek(0)
        evidence.file.save(name, upload, save=False)
        try:
            evidence.save()
        except Exception:
            evidence.file.delete(save=False)
            raise
    return evidence


def evidence_remove(*, actor, evidence: Evidence) -> None:
    """Remove a file while the self-evaluation is still the palace's to change; the stored file
    goes once the transaction has committed (a rollback keeps it)."""
    if not access.may_self_evaluate(actor, evidence.evaluation.palace):
        raise NotFound()
    with transaction.atomic():
        evaluation = _locked(evidence.evaluation)
        if not evaluation.palace_may_edit:
            _refuse_status(evaluation, "editable")
        storage, path = evidence.file.storage, evidence.file.name
        evidence.delete()
        transaction.on_commit(lambda: storage.delete(path))
