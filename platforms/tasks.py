"""Background work of platforms: thin, idempotent tasks that take ids and call one service."""

import datetime
import logging

from celery import Task, shared_task
from django.utils import timezone

from teams.jobs import enqueue_on_commit

from . import selectors, services
from .connectors import TransientConnectorError
from .models import PlatformAccount

logger = logging.getLogger("campaignops.platforms")

# A connection check the platform answers with "busy" or not at all is tried
# again after a random wait of up to 10 s, 20 s, 40 s … (full jitter, so many
# accounts do not all come back at once), at most 5 minutes, 5 times at most;
# then it ends failed and the account says so.
HEALTH_RETRY_BACKOFF = 10
HEALTH_RETRY_BACKOFF_MAX = 300
HEALTH_MAX_RETRIES = 5


@shared_task(
    bind=True,
    acks_late=True,  # a health check only reads from the platform: safe to run twice
    autoretry_for=(TransientConnectorError,),
    retry_backoff=HEALTH_RETRY_BACKOFF,
    retry_backoff_max=HEALTH_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=HEALTH_MAX_RETRIES,
)
def account_health_sync_task(self: Task, account_id: int) -> bool | None:
    """Check one account's connection; transient failures retry, the others are recorded.

    Returns whether the connection works (None when the account is gone).
    """
    account = PlatformAccount.objects.select_related("platform").filter(pk=account_id).first()
    if account is None:
        logger.info("Health check: account %s no longer exists", account_id)
        return None
    result = services.account_health_check(
        account=account, retry_transient=self.request.retries < self.max_retries
    )
    return result is not None


@shared_task(acks_late=True)  # idempotent: warnings carry a unique key, expiry is checked first
def account_check_expiry_task(account_id: int, today: str | None = None) -> dict[str, int]:
    """One account's qualification expiry: warnings 30 days ahead, lapsed → expired."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return services.account_check_expiry(account_id=account_id, today=day)


@shared_task
def accounts_check_expiry_task() -> dict[str, int]:
    """Daily: one ``account_check_expiry_task`` per account whose qualification lapses soon."""
    today = timezone.localdate()
    ids = selectors.account_ids_expiring(services.EXPIRY_WARNING_DAYS, today)
    for account_id in ids:
        enqueue_on_commit(account_check_expiry_task, account_id, today.isoformat())
    logger.info("Qualification expiry check: %s account(s) enqueued", len(ids))
    return {"enqueued": len(ids)}
