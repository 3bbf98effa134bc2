"""Celery tasks of the ways in (thin: ids in, one service each)."""

from __future__ import annotations

import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError
from django.utils import translation

from platforms.connectors import TransientConnectorError
from platforms.models import PlatformAccount
from teams.jobs import enqueue_on_commit

from ..models import ImportBatch
from ..selectors.metrics import account_ids_due_a_pull
from ..services import imports, pulls

__all__ = [
    "account_metrics_sync_task", "imports_sweep_task", "metrics_import_task", "metrics_pull_task",
]

logger = logging.getLogger("campaignops.analytics")

# A pull the platform answers with "busy" or not at all is tried again after a
# random wait of up to 30 s, 60 s, 120 s … (full jitter), at most 10 minutes,
# 5 times at most; then the failure stays recorded until the next round.
PULL_RETRY_BACKOFF = 30
PULL_RETRY_BACKOFF_MAX = 600
PULL_MAX_RETRIES = 5
# A large file takes minutes, not the default two.
IMPORT_SOFT_TIME_LIMIT = 30 * 60
IMPORT_TIME_LIMIT = IMPORT_SOFT_TIME_LIMIT + 60


@shared_task
def metrics_pull_task() -> dict[str, int]:
    """Beat: one ``account_metrics_sync_task`` (queue ``sync``) per account due a pull."""
    ids = account_ids_due_a_pull()
    for account_id in ids:
        enqueue_on_commit(account_metrics_sync_task, account_id)
    logger.info("Metric pulls: %s account(s) enqueued", len(ids))
    return {"enqueued": len(ids)}


@shared_task(
    bind=True,
    acks_late=True,  # a pull reads the platform and upserts: safe to run twice
    autoretry_for=(TransientConnectorError,),
    retry_backoff=PULL_RETRY_BACKOFF,
    retry_backoff_max=PULL_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=PULL_MAX_RETRIES,
)
def account_metrics_sync_task(self: Task, account_id: int) -> dict | None:
    """Pull one account's metrics; transient failures retry, the others are recorded."""
    account = (
        PlatformAccount.objects.select_related("platform", "team").filter(pk=account_id).first()
    )
    if account is None:
        logger.info("Metric pull: account %s no longer exists", account_id)
        return None
    result = pulls.account_metrics_pull(
        account=account, retry_transient=self.request.retries < self.max_retries
    )
    if result is None:
        return None
    return {
        "since": result.since.isoformat(), "added": result.counts.added,
        "updated": result.counts.updated, "unchanged": result.counts.unchanged,
        "skipped": result.skipped,
    }


@shared_task
def imports_sweep_task() -> dict[str, list[int]]:
    """Beat: send again the imports whose worker or message was lost; fail the hopeless."""
    return imports.imports_sweep()


# Acked early on purpose: a worker lost mid-import is noticed by its silence
# (``imports.imports_sweep``), not by a redelivered message; see there why.
@shared_task(soft_time_limit=IMPORT_SOFT_TIME_LIMIT, time_limit=IMPORT_TIME_LIMIT)
def metrics_import_task(batch_id: int, language: str | None = None) -> str | None:
    """Run one uploaded import; its messages in the uploader's ``language``."""
    batch = ImportBatch.objects.select_related("campaign", "account").filter(pk=batch_id).first()
    if batch is None:
        logger.info("Import %s no longer exists", batch_id)
        return None
    try:
        # The uploader's language, stored with the batch for runs the sweeper
        # sends again; without either (older batches), the site's.
        with translation.override(language or batch.language or settings.LANGUAGE_CODE):
            return imports.import_run(batch=batch).status
    except (SoftTimeLimitExceeded, DatabaseError):
        imports.import_fail(batch_id=batch_id)
        raise
