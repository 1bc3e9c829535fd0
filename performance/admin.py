"""The performance app's back office: each sub-domain registers its own admin classes."""

from .evaluation import admin as evaluation_admin  # noqa: F401 - registers the evaluation's models
