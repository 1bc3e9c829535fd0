"""Demo data of the activities app, loaded by `manage.py seed_demo` (see `venues.demo.builder`)."""

from activities.demo.classes import CLASSES_STEP
from activities.demo.employment import EMPLOYMENT_STEP
from activities.demo.huaibei import HUAIBEI_STEPS
from activities.demo.innovation import INNOVATION_STEP
from activities.demo.ledger import LEDGER_STEP
from activities.demo.legal import LEGAL_STEP
from activities.demo.media import MEDIA_STEP
from activities.demo.pictures import PICTURES_STEP
from activities.demo.teams import TEAMS_STEP

DEMO_STEPS = [
    LEDGER_STEP,
    CLASSES_STEP,
    PICTURES_STEP,
    EMPLOYMENT_STEP,
    INNOVATION_STEP,
    LEGAL_STEP,
    TEAMS_STEP,
    MEDIA_STEP,
]
PROFILE_STEPS = {"huaibei": HUAIBEI_STEPS}
