"""`manage.py aggregate_month YYYY-MM [--palace ID]` or `--all-months FROM TO`: compute ledgers.

Thin: the work is `performance.ledgers.services`' (the same the Celery task calls)."""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from palace_portal.errors import PortalError
from palace_portal.months import format_month, parse_month
from performance.ledgers.services import ledger_aggregate_months
from venues.models import Palace


def _month(value: str):
    try:
        return parse_month(value)
    except ValidationError as exc:
        raise CommandError(f"{value!r}: {' '.join(exc.messages)}") from exc


class Command(BaseCommand):
    help = (
        "Compute the monthly ledgers from the raw rows: one month (YYYY-MM) or every month from "
        "--all-months FROM TO, for the whole province or one palace (--palace ID). Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("month", nargs="?", help="The month, YYYY-MM.")
        parser.add_argument("--palace", type=int, default=None, help="Only this palace (its id).")
        parser.add_argument(
            "--all-months", nargs=2, metavar=("FROM", "TO"), help="Every month from FROM to TO (YYYY-MM)."
        )

    def handle(self, *args, month: str | None, palace: int | None, all_months, **options):
        if bool(month) == bool(all_months):
            raise CommandError(_("Give one month (YYYY-MM) or --all-months FROM TO."))
        first, last = (
            (_month(month), _month(month)) if month else (_month(all_months[0]), _month(all_months[1]))
        )
        if palace is not None and not Palace.objects.filter(pk=palace).exists():
            raise CommandError(_("No palace with id %(id)s.") % {"id": palace})
        started = time.perf_counter()
        try:
            results = ledger_aggregate_months(
                first=first, last=last, palace_ids=None if palace is None else [palace]
            )
        except PortalError as exc:
            raise CommandError(str(exc.message)) from exc
        for result in results:
            self.stdout.write(
                _("%(month)s: %(ledgers)d ledgers (%(created)d new), %(figures)d figures from %(rows)d rows")
                % {
                    "month": format_month(result.month),
                    "ledgers": result.ledgers,
                    "created": result.created,
                    "figures": result.figures,
                    "rows": result.source_rows,
                }
            )
        self.stdout.write(
            self.style.SUCCESS(_("Done in %(seconds).1f s.") % {"seconds": time.perf_counter() - started})
        )
