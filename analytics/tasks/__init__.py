"""Celery tasks of analytics (autodiscovered as ``analytics.tasks``)."""

from .evaluation import *  # noqa: F401, F403
from .ingest import *  # noqa: F401, F403
