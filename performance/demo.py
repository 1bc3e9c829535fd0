"""Demo data of performance management: each sub-domain's steps, in order (see
`venues.demo.builder`). The ledgers' step must come before the evaluation's: formula indicators
read the ledgers' figures."""

from .evaluation.demo import DEMO_STEPS as EVALUATION_STEPS

DEMO_STEPS = [*EVALUATION_STEPS]
