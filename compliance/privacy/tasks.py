"""Celery tasks of the privacy ledger: thin doors into its services."""

import logging

from celery import shared_task

from teams.jobs import fan_out

from . import services
from .models import RetentionPolicy

logger = logging.getLogger(__name__)


@shared_task
def retention_enforce_task() -> int:
    """Beat: one retention task per active policy; returns how many were enqueued."""
    policy_ids = list(
        RetentionPolicy.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    # Beat runs outside any transaction: nothing to wait for before sending.
    return fan_out(retention_policy_enforce_task, policy_ids)


@shared_task
def retention_policy_enforce_task(policy_id: int) -> int | None:
    """Apply one retention policy; returns the run id (None when the policy is gone or off).

    Idempotent: data already deleted or anonymised is not counted again.
    """
    policy = RetentionPolicy.objects.filter(pk=policy_id, is_active=True).first()
    if policy is None:
        logger.info("retention_policy_enforce_task: policy %s is gone or inactive", policy_id)
        return None
    return services.retention_enforce(policies=[policy]).pk
