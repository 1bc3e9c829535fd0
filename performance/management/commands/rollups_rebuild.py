"""`manage.py rollups_rebuild [--check]`: recompute the dashboards' rollups from the ledgers' figures.

The writers keep the rollups exact in their own transactions (`performance.ledgers.rollups`); this
repairs what they cannot see (raw SQL, a region moved between cities). `--check` only says whether
the stored rollups equal a rebuild (exit status 1 when they do not). Thin: the work is the module's.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from performance.ledgers import rollups


class Command(BaseCommand):
    help = (
        "Recompute the dashboards' rollups (per palace and year, per city and month) from the ledgers' "
        "official figures. --check: only compare them with a rebuild. Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare only; change nothing.")

    def handle(self, *args, check: bool, **options):
        started = time.perf_counter()
        if check:
            found = rollups.differences()
            for key, stored, rebuilt in found[:20]:
                self.stdout.write(f"{key}: stored {stored}, rebuilt {rebuilt}")
            if found:
                raise CommandError(f"{len(found)} rollup rows differ from a rebuild.")
            self.stdout.write(f"Rollups agree with a rebuild ({time.perf_counter() - started:.1f} s).")
            return
        rollups.rebuild()
        self.stdout.write(f"Rollups rebuilt in {time.perf_counter() - started:.1f} s.")
