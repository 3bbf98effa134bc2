"""Celery tasks of content: thin, idempotent, one service each."""

import logging

from celery import shared_task
from django.utils import timezone

from teams.jobs import fan_out

from . import selectors, services
from .models import ContentItem

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def content_expire_due_task() -> int:
    """Beat: hand every unapproved item whose planned time has come to its own task."""
    ids = selectors.item_ids_due_expiry(timezone.now())
    # Beat runs outside any transaction: nothing to wait for before sending.
    return fan_out(content_item_expire_task, ids)


@shared_task(acks_late=True)
def content_item_expire_task(item_id: int) -> bool:
    """Expire one item if it is still unapproved at its planned time; twice changes nothing."""
    item = ContentItem.objects.filter(pk=item_id).first()
    if item is None:
        logger.info("content item %s is gone; nothing to expire", item_id)
        return False
    return services.content_item_expire(item=item)
