"""Background work of engagement: thin, idempotent tasks that take ids and call one service."""

import logging

from celery import Task, shared_task
from django.utils import timezone

from platforms.connectors import TransientConnectorError
from platforms.models import PlatformAccount
from teams.jobs import enqueue_on_commit

from . import selectors, services
from .models import Lottery, LotteryStatus

logger = logging.getLogger("campaignops.engagement")

# A pull the platform answers with "busy" is tried again after a random wait of
# up to 15 s, 30 s, 60 s … (full jitter), at most 5 minutes, 4 times at most;
# then it ends and the account records the error. The next beat pulls again.
PULL_RETRY_BACKOFF = 15
PULL_RETRY_BACKOFF_MAX = 300
PULL_MAX_RETRIES = 4


@shared_task(
    bind=True,
    acks_late=True,  # a pull only reads the platform and de-duplicates: safe to run twice
    autoretry_for=(TransientConnectorError,),
    retry_backoff=PULL_RETRY_BACKOFF,
    retry_backoff_max=PULL_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=PULL_MAX_RETRIES,
)
def account_interactions_sync_task(self: Task, account_id: int) -> int | None:
    """Pull one account's new comments and messages; returns how many were new."""
    account = (
        PlatformAccount.objects.select_related("platform", "team").filter(pk=account_id).first()
    )
    if account is None:
        logger.info("Interaction pull: account %s no longer exists", account_id)
        return None
    result = services.interactions_pull(
        account=account, retry_transient=self.request.retries < self.max_retries
    )
    return result.created


@shared_task
def interactions_pull_task() -> dict[str, int]:
    """Beat: one ``account_interactions_sync_task`` per connected account."""
    ids = selectors.account_ids_to_pull()
    for account_id in ids:
        enqueue_on_commit(account_interactions_sync_task, account_id)
    logger.info("Interaction pull: %s account(s) enqueued", len(ids))
    return {"enqueued": len(ids)}


@shared_task(acks_late=True)  # idempotent: a closed lottery is left as it is
def lottery_close_task(lottery_id: int) -> str | None:
    """Close one lottery's entries at its announced time (a job's automatic move)."""
    lottery = Lottery.objects.select_related("team").filter(pk=lottery_id).first()
    if lottery is None or lottery.status != LotteryStatus.OPEN:
        return None
    if lottery.entries_close_at > timezone.now():
        return None
    services.lottery_close(actor=None, lottery=lottery)
    return lottery.entrant_list_hash


@shared_task
def lotteries_close_due_task() -> dict[str, int]:
    """Beat: one ``lottery_close_task`` per open lottery whose entries have closed."""
    ids = list(
        Lottery.objects.filter(status=LotteryStatus.OPEN, entries_close_at__lte=timezone.now())
        .order_by("pk").values_list("pk", flat=True)
    )
    for lottery_id in ids:
        enqueue_on_commit(lottery_close_task, lottery_id)
    return {"enqueued": len(ids)}
