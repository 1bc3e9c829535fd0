"""Demo steps of performance management, each from its sub-package (see `venues.demo.builder`)."""

from .ledgers.demo import LEDGERS_STEP

DEMO_STEPS = [LEDGERS_STEP]
