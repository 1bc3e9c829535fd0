"""The demo-data engine: an ordered list of steps, each writing its rows with bulk inserts.

Every app may contribute steps: a `demo` module (or package) in the app exposing `DEMO_STEPS`, a
list of `Step`. They are collected in INSTALLED_APPS order, which follows the dependency order
(venues before bookings before activities ...), so a step sees everything the steps of the apps
it depends on have written, through the shared `DemoContext`. This keeps imports pointing one way:
venues never imports bookings; bookings' steps import from venues.

Determinism: each step draws from its own `random.Random` seeded with the seed and the step's
name, so adding a step (or changing one) never changes the rows of the others. Dates are computed
from an anchor day (`today`), so the same seed and anchor give the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

from palace_portal.errors import RuleViolation

if TYPE_CHECKING:
    from palace_portal.users.models import User
    from venues.models import Palace, Region, Venue

DEFAULT_SEED = 2026
DEFAULT_PROFILE = "jiangxi"
# The profiles `seed_demo --profile` loads: the default province (every app's `DEMO_STEPS`) or one
# palace modelled on a published article (every app's `PROFILE_STEPS[name]`, in app order).
PROFILES = ("jiangxi", "huaibei")


@dataclass(frozen=True)
class Step:
    """One stage of the demo: `build` writes rows; `wipe` deletes what the stage owns (--force).

    `has_data` answers whether the database already holds rows of that stage; a database where
    any step has data is not empty.
    """

    name: str
    build: Callable[[DemoContext], None]
    wipe: Callable[[], None] | None = None
    has_data: Callable[[], bool] | None = None


@dataclass
class DemoContext:
    """What the steps share: the seed, the anchor day and the rows written so far."""

    seed: int
    today: date
    regions: dict[str, Region] = field(default_factory=dict)  # by division code
    palaces: list[Palace] = field(default_factory=list)
    venues: list[Venue] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)  # demo accounts by key
    account_scopes: dict[str, str] = field(default_factory=dict)  # demo account key → where it acts
    profile: str = DEFAULT_PROFILE
    counts: dict[str, int] = field(default_factory=dict)  # rows written, by label, in order

    def rng(self, step_name: str) -> random.Random:
        # Demo data, not secrets: a seeded generator is the point. A string seed is hashed with
        # SHA-512, so the sequence is the same in every process (no PYTHONHASHSEED dependence).
        return random.Random(f"{self.seed}:{step_name}")  # noqa: S311

    def count(self, label: str, n: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + n

    def palace(self, name: str) -> Palace:
        return next(p for p in self.palaces if p.name == name)


def collect_steps(profile: str = DEFAULT_PROFILE) -> list[Step]:
    """The steps of a profile, in INSTALLED_APPS order: every app's `DEMO_STEPS` for the default
    profile, every app's `PROFILE_STEPS[profile]` for another one."""
    steps: list[Step] = []
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "demo"):
            module = import_module(f"{app_config.name}.demo")
            if profile == DEFAULT_PROFILE:
                steps.extend(getattr(module, "DEMO_STEPS", ()))
            else:
                steps.extend(getattr(module, "PROFILE_STEPS", {}).get(profile, ()))
    return steps


def has_portal_data(steps: list[Step] | None = None) -> bool:
    steps = collect_steps() if steps is None else steps
    return any(step.has_data() for step in steps if step.has_data is not None)


def wipe(steps: list[Step]) -> None:
    """Delete what the steps own, last step first (dependants before what they point to)."""
    for step in reversed(steps):
        if step.wipe is not None:
            step.wipe()


def seed_demo(
    *, seed: int = DEFAULT_SEED, today: date, force: bool = False, profile: str = DEFAULT_PROFILE
) -> DemoContext:
    """Write the demo (the default province, or another `profile`) in one transaction and return
    the context (with row counts).

    Refuses (RuleViolation `demo_data_present`, nothing written) when the database already holds
    portal data, unless `force`, which first deletes the portal data of every step (the default
    profile's steps own every table a profile writes).
    """
    if profile not in PROFILES:
        raise RuleViolation(_("Unknown demo profile."), code="unknown_profile")
    everything = collect_steps()
    steps = everything if profile == DEFAULT_PROFILE else collect_steps(profile)
    with transaction.atomic():
        if has_portal_data(everything):
            if not force:
                raise RuleViolation(
                    _("The database already holds portal data. Use --force to replace it."),
                    code="demo_data_present",
                )
            wipe(everything)
        context = DemoContext(seed=seed, today=today, profile=profile)
        for step in steps:
            step.build(context)
    return context
