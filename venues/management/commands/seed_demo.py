"""`manage.py seed_demo`: load the demo province. The work is done in `venues.demo`."""

import argparse
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal.errors import RuleViolation
from venues.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from venues.demo.builder import DEFAULT_PROFILE, DEFAULT_SEED, PROFILES, has_portal_data, seed_demo
from venues.demo.jiangxi import CITIES, PROVINCE_CODE, PROVINCE_NAME

REGION_NAMES = {PROVINCE_CODE: PROVINCE_NAME} | {c.code: c.name for c in CITIES}


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            _("Expected a date as YYYY-MM-DD, got %(value)r.") % {"value": value}
        ) from exc


class Command(BaseCommand):
    help = (
        "Load the demo province: Jiangxi's 11 cities and 100 county-level units, palaces matching "
        "the published figures, satellite points, venues and one account per role. Deterministic "
        "for a given --seed and --today."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (default %(default)s)."
        )
        parser.add_argument(
            "--today",
            type=_day,
            default=None,
            help=(
                "Anchor day YYYY-MM-DD for dated rows such as closures (default: today, local time). "
                "Same seed and same anchor give the same data."
            ),
        )
        parser.add_argument(
            "--profile",
            choices=PROFILES,
            default=DEFAULT_PROFILE,
            help=(
                "What to load: the Jiangxi-shaped province (default) or huaibei, the Huaibei workers' "
                "cultural palace as published (Anhui province, one city, one model palace)."
            ),
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--force",
            action="store_true",
            help="Delete the portal data (network, venues, demo accounts) first, then load the demo.",
        )
        mode.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, successfully, when the database already holds portal data.",
        )

    def handle(
        self, *args, seed: int, today: date | None, force: bool, if_empty: bool, profile: str, **options
    ):
        started = time.perf_counter()
        if if_empty and has_portal_data():
            self.stdout.write(
                _("The database already holds portal data: demo data not loaded (use --force to replace it).")
            )
            return
        try:
            context = seed_demo(seed=seed, today=today or timezone.localdate(), force=force, profile=profile)
        except RuleViolation as exc:
            raise CommandError(str(exc.message)) from exc
        elapsed = time.perf_counter() - started

        self.stdout.write(
            _("Demo %(profile)s loaded (seed %(seed)s, anchor day %(today)s):")
            % {"profile": context.profile, "seed": context.seed, "today": context.today.isoformat()}
        )
        for label, n in context.counts.items():
            self.stdout.write(f"  {n:>6}  {label}")
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (password for all: %(password)s):") % {"password": DEMO_PASSWORD})
        for account in DEMO_ACCOUNTS:
            scope = context.account_scopes.get(account.key) or (
                account.palace_name or REGION_NAMES.get(account.region_code, "")
            )
            self.stdout.write(
                f"  {account.phone}  {account.label!s:<28} {account.real_name}  {scope}".rstrip()
            )
        self.stdout.write(self.style.SUCCESS(_("Done in %(seconds).1f s.") % {"seconds": elapsed}))
