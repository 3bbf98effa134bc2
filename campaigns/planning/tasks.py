"""Celery tasks of campaign planning: thin, idempotent, one service each."""

import logging

from celery import shared_task
from django.utils import timezone

from teams.jobs import fan_out

from . import selectors, services
from .models import Campaign

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def campaigns_follow_dates_task() -> int:
    """Beat: hand every campaign whose dates may call for a move to its own task.

    One task per campaign, so a campaign that fails cannot hold up the others
    and the time limit applies to each. Returns how many were handed out.
    """
    ids = selectors.campaign_ids_due_a_date_move(timezone.localdate())
    # Beat runs outside any transaction: nothing to wait for before sending.
    return fan_out(campaign_follow_dates_task, ids)


@shared_task(acks_late=True)
def campaign_follow_dates_task(campaign_id: int) -> list[str]:
    """Move one campaign on as its dates say; running it twice changes nothing more."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        logger.info("campaign %s is gone; no dates to follow", campaign_id)
        return []
    moved = services.campaign_follow_dates(campaign=campaign)
    if moved:
        logger.info("campaign %s followed its dates to %s", campaign_id, ", ".join(moved))
    return moved
