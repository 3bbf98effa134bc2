"""Celery tasks of campaign planning: thin, idempotent, one service each."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def campaigns_follow_dates_task() -> int:
    """Move planned/in-production/running campaigns on as their phase dates arrive.

    Safe to run any number of times a day: a campaign already where its dates
    say stays where it is.
    """
    moved = services.campaigns_follow_dates()
    if moved:
        logger.info("campaigns_follow_dates moved %s campaign statuses", moved)
    return moved
