"""Celery tasks of publishing: thin, idempotent, ids in, one service each.

Every task runs on the ``default`` queue (none ends in ``_sync_task``), so slow
platform syncs on ``sync`` never hold up publishing. Beat tasks fan out: they
list ids and send one small task per id.
"""

import logging

from celery import shared_task

from teams.jobs import fan_out

from . import selectors, services
from .models import PublishingPlan

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def publications_due_task() -> int:
    """Beat: send one publish task per due publication; how many were sent.

    A row already sent is not sent again until its message may have been lost;
    and an id that does arrive twice costs nothing: the publish service takes a
    row only while it is scheduled.
    """
    ids = services.publications_take_due()
    # Beat runs outside any transaction: nothing to wait for before sending.
    return fan_out(publication_publish_task, ids)


@shared_task(acks_late=True)
def publication_publish_task(publication_id: int) -> str:
    """Publish one publication at most once; a duplicate delivery changes nothing.

    ``acks_late`` is safe here: a redelivered message finds the row no longer
    scheduled. A worker killed mid-call leaves the row ``publishing`` for the
    reconciliation, never for a second post.
    """
    return services.publication_publish(publication_id=publication_id)


@shared_task(acks_late=True)
def publications_reconcile_task() -> int:
    """Beat: send one read-only check per publication whose outcome is open."""
    ids = selectors.publication_ids_to_reconcile()
    # Beat runs outside any transaction: nothing to wait for before sending.
    return fan_out(publication_reconcile_task, ids)


@shared_task(acks_late=True)
def publication_reconcile_task(publication_id: int) -> str:
    """Ask the platform (read-only) what became of one publication; never posts."""
    return services.publication_reconcile(publication_id=publication_id)


@shared_task(acks_late=True)
def publishing_plans_extend_task() -> int:
    """Beat: one task per running plan to make its coming weeks of slots."""
    ids = selectors.plan_ids_running()
    # Beat runs outside any transaction: nothing to wait for before sending.
    return fan_out(publishing_plan_slots_task, ids)


@shared_task(acks_late=True)
def publishing_plan_slots_task(plan_id: int) -> int:
    """Make one plan's missing slots; running it twice makes nothing twice."""
    plan = PublishingPlan.objects.select_related("team").filter(pk=plan_id).first()
    if plan is None:
        logger.info("publishing plan %s is gone; no slots to make", plan_id)
        return 0
    return services.plan_slots_generate(plan=plan)
