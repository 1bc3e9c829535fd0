"""Demo data of the activities app, loaded by `manage.py seed_demo` (see `venues.demo.builder`)."""

from activities.demo.classes import CLASSES_STEP
from activities.demo.employment import EMPLOYMENT_STEP
from activities.demo.ledger import LEDGER_STEP

DEMO_STEPS = [LEDGER_STEP, CLASSES_STEP, EMPLOYMENT_STEP]
