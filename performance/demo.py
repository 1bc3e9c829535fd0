"""Demo steps of performance management, each from its sub-package (see `venues.demo.builder`)."""

from .workflow.demo import WORKFLOW_STEP

# The ledgers' own step (computing every demo month) comes first once it is in this branch.
DEMO_STEPS = [WORKFLOW_STEP]
