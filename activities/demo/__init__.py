"""Demo data of the activities app, loaded by `manage.py seed_demo` (see `venues.demo.builder`)."""

from activities.demo.classes import CLASSES_STEP
from activities.demo.huaibei import HUAIBEI_STEPS
from activities.demo.ledger import LEDGER_STEP
from activities.demo.media import MEDIA_STEP

DEMO_STEPS = [LEDGER_STEP, CLASSES_STEP, MEDIA_STEP]
PROFILE_STEPS = {"huaibei": HUAIBEI_STEPS}
