"""Pages of the standardisation evaluation (/performance/evaluation/...)."""
