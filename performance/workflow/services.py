"""State changes of a monthly ledger's workflow: manual lines, submission, review, lock, reopening.

    open ──submit──▶ submitted ──accept (city)──▶ submitted + city_accepted_at
      ▲                 │  │                           │
      │              return └───accept (province)──────┴──▶ accepted (locked, snapshot)
      │                 ▼                                         │
      └─(fix, submit) returned ◀──────────── reopen (province) ───┘

Every service takes the acting user and checks access itself (`performance.workflow.access`), takes
the ledger's row lock first (`select_for_update`: two reviewers acting at once are served one after
the other, and the second sees the first's result), writes a `LedgerStep` for every transition, and
raises the portal's domain errors: `NotFound` (404) for a ledger the actor may not act on,
`RuleViolation` (409) for a step the status does not allow, `InvalidInput` (400) for bad input.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from palace_portal.months import next_month

from ..ledgers import rollups
from ..ledgers.data_version import data_version_bump
from ..ledgers.models import Ledger, LedgerFigure, LedgerStep, ManualLine
from . import access, catalogue
from .validation import ledger_flags

Status = Ledger.Status
Action = LedgerStep.Action
TEXT_MAX = 2000
# Statuses in which the palace may still change what it reports.
EDITABLE = (Status.OPEN, Status.RETURNED)


def _lock(ledger: Ledger) -> Ledger:
    """The ledger's row, locked for this transaction and freshly read (another reviewer may have
    acted since the caller loaded it)."""
    try:
        return Ledger.objects.select_for_update().select_related("palace", "palace__region").get(pk=ledger.pk)
    except Ledger.DoesNotExist as exc:
        raise NotFound() from exc


def _step(ledger: Ledger, action: str, actor, reason: str = "", at=None) -> LedgerStep:
    # Every transition passes here: the dashboards' reporting rate and official figures change.
    data_version_bump()
    return LedgerStep.objects.create(
        ledger=ledger, action=action, actor=actor, reason=reason, at=at or timezone.now()
    )


def _text(value: str | None, *, field: str, required: bool, what: str) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(
            _("Please give %(what)s.") % {"what": what},
            code="required",
            fields={field: [_("This field is required.")]},
        )
    if len(text) > TEXT_MAX:
        message = _("At most %(max)d characters.") % {"max": TEXT_MAX}
        raise InvalidInput(message, fields={field: [message]})
    return text


def _require_reporter(actor, ledger: Ledger) -> None:
    if not access.may_report_for(actor, ledger.palace):
        raise NotFound()


def _require_editable(ledger: Ledger) -> None:
    if ledger.status not in EDITABLE:
        raise RuleViolation(
            _("This month has been submitted: manual lines can no longer change."), code="ledger_not_editable"
        )


# --- Manual lines -----------------------------------------------------------------------------------


def _manual_values(*, metric: str, value, note: str) -> dict:
    """Checked input of a manual line: a known code, a value in range (none for a remark), a note."""
    meta = catalogue.manual_metric(metric)
    if meta is None:
        raise InvalidInput(fields={"metric": [_("Choose what the line counts.")]})
    if not meta.has_value:
        if value not in (None, ""):
            raise InvalidInput(fields={"value": [_("A remark has no value: leave it empty.")]})
        parsed = None
    else:
        if value in (None, ""):
            raise InvalidInput(fields={"value": [_("Enter the value.")]})
        try:
            parsed = Decimal(str(value))
        except (InvalidOperation, ValueError) as exc:
            raise InvalidInput(fields={"value": [_("Enter a number.")]}) from exc
        if not parsed.is_finite() or parsed < 0 or parsed > catalogue.MANUAL_VALUE_MAX:
            raise InvalidInput(
                fields={
                    "value": [
                        _("Enter a number from 0 to %(max)s.") % {"max": f"{catalogue.MANUAL_VALUE_MAX:,}"}
                    ]
                }
            )
        if parsed != parsed.quantize(Decimal("0.01")):
            raise InvalidInput(fields={"value": [_("At most two decimal places.")]})
    note = _text(note, field="note", required=True, what=_("a note saying where the figure comes from"))
    return {"metric": metric, "value": parsed, "note": note}


def sync_manual_figures(ledger: Ledger, *codes: str) -> None:
    """Keep the ledger figure of a manual metric equal to the sum of its lines at once (the
    aggregation does the same on its next run), so that pages and dashboards agree meanwhile.
    Called by the manual-line services and the demo, inside their transaction."""
    data_version_bump()  # the dashboards show these figures
    with rollups.batch():  # the figures' signals note the month: its rollups refreshed once
        rollups.touch(ledger.palace_id, ledger.month)
        for code in set(codes):
            if not catalogue.is_summed_manual(code):
                continue
            total = ManualLine.objects.filter(ledger=ledger, metric=code).aggregate(total=Sum("value"))[
                "total"
            ]
            if not total:
                # Ledgers store non-zero figures only (a missing figure reads as zero).
                LedgerFigure.objects.filter(ledger=ledger, metric=code).delete()
                continue
            LedgerFigure.objects.update_or_create(
                ledger=ledger,
                metric=code,
                defaults={"palace_id": ledger.palace_id, "month": ledger.month, "value": total},
            )


def manual_line_add(*, actor, ledger: Ledger, metric: str, value, note: str) -> ManualLine:
    """The palace's manager adds a line no system counts, while the month is open or returned."""
    values = _manual_values(metric=metric, value=value, note=note)
    with transaction.atomic():
        ledger = _lock(ledger)
        _require_reporter(actor, ledger)
        _require_editable(ledger)
        line = ManualLine.objects.create(ledger=ledger, created_by=actor, **values)
        sync_manual_figures(ledger, line.metric)
        return line


def _locked_line(actor, line: ManualLine) -> tuple[Ledger, ManualLine]:
    ledger = _lock(Ledger(pk=line.ledger_id))
    _require_reporter(actor, ledger)
    try:
        line = ManualLine.objects.get(pk=line.pk, ledger=ledger)
    except ManualLine.DoesNotExist as exc:
        raise NotFound() from exc
    _require_editable(ledger)
    return ledger, line


def manual_line_update(*, actor, line: ManualLine, metric: str, value, note: str) -> ManualLine:
    """The palace's manager corrects a line, while the month is open or returned."""
    values = _manual_values(metric=metric, value=value, note=note)
    with transaction.atomic():
        ledger, line = _locked_line(actor, line)
        before = line.metric
        for name, new in values.items():
            setattr(line, name, new)
        line.save(update_fields=list(values))
        sync_manual_figures(ledger, before, line.metric)
        return line


def manual_line_delete(*, actor, line: ManualLine) -> None:
    """The palace's manager removes a line, while the month is open or returned."""
    with transaction.atomic():
        ledger, line = _locked_line(actor, line)
        line.delete()
        sync_manual_figures(ledger, line.metric)


# --- Submission and review ----------------------------------------------------------------------------


def ledger_submit(*, actor, ledger: Ledger, flags_checked: bool = False, explanation: str = "") -> Ledger:
    """The palace's manager hands in the month's report.

    Only after the month has ended (local time) and once its figures were computed; from `open` or
    `returned`. When validation flags the figures, the manager must confirm having checked them
    (`flags_checked`); the optional explanation is kept with the step for the reviewers.
    """
    explanation = _text(explanation, field="explanation", required=False, what="")
    with transaction.atomic():
        ledger = _lock(ledger)
        _require_reporter(actor, ledger)
        if ledger.status not in EDITABLE:
            raise RuleViolation(_("This month has already been submitted."), code="ledger_not_open")
        if timezone.localdate() < next_month(ledger.month):
            raise RuleViolation(_("A month can be submitted once it has ended."), code="month_not_over")
        if ledger.computed_at is None:
            raise RuleViolation(
                _("The month's figures have not been computed yet."), code="ledger_not_computed"
            )
        if ledger_flags(ledger) and not flags_checked:
            message = _("Some figures are flagged: check them and tick the box to submit anyway.")
            raise InvalidInput(message, code="flags_unchecked", fields={"flags_checked": [message]})
        now = timezone.now()
        ledger.status = Status.SUBMITTED
        ledger.submitted_at = now
        ledger.city_accepted_at = None
        ledger.save(update_fields=["status", "submitted_at", "city_accepted_at"])
        _step(ledger, Action.SUBMITTED, actor, explanation, now)
        return ledger


def _require_reviewer(actor, ledger: Ledger) -> bool:
    """True for provincial staff, False for the city's staff; `NotFound` for anyone else."""
    if access.may_review_as_province(actor):
        return True
    if access.may_review_as_city(actor, ledger.palace):
        return False
    raise NotFound()


def _require_submitted(ledger: Ledger) -> None:
    if ledger.status != Status.SUBMITTED:
        raise RuleViolation(_("Only a submitted month can be reviewed."), code="ledger_not_submitted")


def ledger_return(*, actor, ledger: Ledger, reason: str) -> Ledger:
    """City or provincial staff send a submitted month back to the palace, saying why.

    The city may return a month until it has accepted it itself; the province until the final
    acceptance. The palace then fixes its manual lines and submits again.
    """
    reason = _text(reason, field="reason", required=True, what=_("a reason"))
    with transaction.atomic():
        ledger = _lock(ledger)
        province = _require_reviewer(actor, ledger)
        _require_submitted(ledger)
        if not province and ledger.city_accepted_at is not None:
            raise RuleViolation(
                _("The city has already accepted this month; only the province can return it now."),
                code="already_city_accepted",
            )
        ledger.status = Status.RETURNED
        ledger.city_accepted_at = None
        ledger.save(update_fields=["status", "city_accepted_at"])
        _step(ledger, Action.RETURNED, actor, reason)
        return ledger


def ledger_accept(*, actor, ledger: Ledger, note: str = "") -> Ledger:
    """Accept a submitted month; the level is the actor's.

    City staff: the city's acceptance (the month stays `submitted`, `city_accepted_at` set, the
    province decides next). Provincial staff: the final acceptance, whether or not the city accepted
    first; each figure's `value` is copied into `locked_value` in the same transaction (the
    snapshot that dashboards and rankings read from now on) and the month is locked.
    """
    note = _text(note, field="note", required=False, what="")
    with transaction.atomic():
        ledger = _lock(ledger)
        province = _require_reviewer(actor, ledger)
        _require_submitted(ledger)
        now = timezone.now()
        if not province:
            if ledger.city_accepted_at is not None:
                raise RuleViolation(
                    _("The city has already accepted this month."), code="already_city_accepted"
                )
            ledger.city_accepted_at = now
            ledger.save(update_fields=["city_accepted_at"])
            _step(ledger, Action.CITY_ACCEPTED, actor, note, now)
            return ledger
        with rollups.batch():  # the official figures are now the snapshot: their rollups follow
            LedgerFigure.objects.filter(ledger=ledger).update(locked_value=F("value"))
            rollups.touch(ledger.palace_id, ledger.month)
            ledger.status = Status.ACCEPTED
            ledger.accepted_at = now
            ledger.save(update_fields=["status", "accepted_at"])
        _step(ledger, Action.ACCEPTED, actor, note, now)
        return ledger


def ledger_reopen(*, actor, ledger: Ledger, reason: str) -> Ledger:
    """Provincial staff unlock an accepted month, saying why.

    The month goes back to the palace as `returned` (with the reason, like a return), so that the
    manager can correct it and submit again, and the city reviews it again. The snapshot is cleared
    (the figures are official as computed until the next acceptance); the history stays.
    """
    reason = _text(reason, field="reason", required=True, what=_("a reason"))
    with transaction.atomic():
        ledger = _lock(ledger)
        if not access.may_review_as_province(actor):
            raise NotFound()
        if ledger.status != Status.ACCEPTED:
            raise RuleViolation(_("Only an accepted month can be reopened."), code="ledger_not_accepted")
        with rollups.batch():  # the official figures are the computed ones again
            LedgerFigure.objects.filter(ledger=ledger).update(locked_value=None)
            rollups.touch(ledger.palace_id, ledger.month)
            ledger.status = Status.RETURNED
            ledger.accepted_at = None
            ledger.city_accepted_at = None
            ledger.save(update_fields=["status", "accepted_at", "city_accepted_at"])
        _step(ledger, Action.REOPENED, actor, reason)
        return ledger
