"""Demo steps of performance management, each from its sub-package (see `venues.demo.builder`)."""

from .ledgers.demo import LEDGERS_STEP
from .workflow.demo import WORKFLOW_STEP

# The ledgers are computed first; the workflow then gives them their reporting history.
DEMO_STEPS = [LEDGERS_STEP, WORKFLOW_STEP]
