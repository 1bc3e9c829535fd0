"""Demo data: a province shaped like Jiangxi, loaded by `manage.py seed_demo`.

`DEMO_STEPS` is what this app contributes to the demo (see `builder.py` for how the steps of all
apps are collected and run).
"""

from .accounts import ACCOUNTS_STEP
from .network import NETWORK_STEPS
from .pictures import PICTURES_STEP

DEMO_STEPS = [*NETWORK_STEPS, PICTURES_STEP, ACCOUNTS_STEP]
