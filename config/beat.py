"""Celery beat's scheduler: periodic tasks live in the database, code only seeds them.

django-celery-beat's ``DatabaseScheduler`` writes every entry of
``CELERY_BEAT_SCHEDULE`` over its database row each time beat starts, so an
admin who retimed or paused a job in Django admin saw it reverted at the next
deploy. Here an entry declared in code is created only when no periodic task
of that name exists; after that the row is the admin's.
"""

from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler


def missing_entries(mapping: dict) -> dict:
    """The entries of ``mapping`` that have no periodic task of their name yet."""
    existing = set(
        PeriodicTask.objects.filter(name__in=list(mapping)).values_list("name", flat=True)
    )
    return {name: entry for name, entry in mapping.items() if name not in existing}


class CodeSeededScheduler(DatabaseScheduler):
    """Creates the code-declared schedules that are missing; never rewrites a stored one."""

    def update_from_dict(self, mapping):
        super().update_from_dict(missing_entries(mapping))
