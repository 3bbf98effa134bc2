"""Celery tasks of the privacy ledger: thin doors into its services."""

from celery import shared_task

from . import services


@shared_task
def retention_enforce_task() -> int:
    """Beat: delete or anonymise personal data past retention; returns the run id."""
    return services.retention_enforce().pk
