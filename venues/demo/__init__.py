"""Demo data: a province shaped like Jiangxi, loaded by `manage.py seed_demo`.

`DEMO_STEPS` is what this app contributes to the default demo, `PROFILE_STEPS` to the other
profiles (`huaibei.py`) (see `builder.py` for how the steps of all
apps are collected and run).
"""

from .accounts import ACCOUNTS_STEP
from .huaibei import HUAIBEI_STEPS
from .network import NETWORK_STEPS
from .pictures import PICTURES_STEP
from .service_points import SERVICE_POINTS_STEP

DEMO_STEPS = [*NETWORK_STEPS, SERVICE_POINTS_STEP, PICTURES_STEP, ACCOUNTS_STEP]
# Other profiles of `seed_demo --profile NAME` (see `builder.collect_steps`).
PROFILE_STEPS = {"huaibei": HUAIBEI_STEPS}
