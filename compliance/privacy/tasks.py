"""Celery tasks of the privacy ledger: thin doors into its services."""

import logging

from celery import shared_task

from . import services
from .models import RetentionPolicy

logger = logging.getLogger(__name__)


@shared_task
def retention_enforce_task() -> int:
    """Beat: one retention task per active policy; returns how many were enqueued."""
    policy_ids = list(
        RetentionPolicy.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    for policy_id in policy_ids:
        retention_policy_enforce_task.delay(policy_id)
    return len(policy_ids)


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
