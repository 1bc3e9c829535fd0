"""Demo steps of performance management, each from its sub-package (see `venues.demo.builder`).
The ledgers' step comes before the evaluation's: formula indicators read the ledgers' figures."""

from .evaluation.demo import EVALUATION_STEP
from .ledgers.demo import LEDGERS_STEP
from .workflow.demo import WORKFLOW_STEP

# The ledgers are computed first; the workflow then gives them their reporting history; the
# evaluation's formula indicators read the ledgers' figures.
DEMO_STEPS = [LEDGERS_STEP, WORKFLOW_STEP, EVALUATION_STEP]
