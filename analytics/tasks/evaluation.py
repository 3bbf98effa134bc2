"""Celery tasks of evaluation (thin: ids in, one service each; beat tasks fan out).

Every service here is idempotent per period, so a retried or doubled task
writes nothing twice.
"""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from campaigns.planning.models import Campaign, CampaignStatus, Phase
from teams.jobs import fan_out

from ..services import dashboard_archive, diagnosis, kpis, optimisation, reviews

__all__ = [
    "campaign_diagnosis_task",
    "dashboard_archive_task",
    "dashboard_archives_task",
    "diagnosis_task",
    "evaluation_report_task",
    "phase_review_task",
    "phase_reviews_task",
    "weekly_evaluations_task",
]

logger = logging.getLogger(__name__)


def _day(value: str | None) -> datetime.date:
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(acks_late=True)
def phase_reviews_task() -> int:
    """Beat: one review task per phase that ended and has no review yet."""
    today = timezone.localdate()
    ids = reviews.phase_ids_due_for_review(today)
    # Beat runs outside any transaction: nothing to wait for before sending.
    return fan_out(phase_review_task, ids, today.isoformat())


@shared_task(acks_late=True)
def phase_review_task(phase_id: int, today: str | None = None) -> int | None:
    """Write one phase's review, then record the KPIs' results from the store."""
    phase = Phase.objects.select_related("campaign__team", "campaign__owner").filter(
        pk=phase_id
    ).first()
    if phase is None:
        logger.info("phase %s is gone; no review", phase_id)
        return None
    review = reviews.phase_review_write(phase=phase, today=_day(today))
    kpis.kpis_record_achieved(campaign=phase.campaign)
    return review.pk


@shared_task(acks_late=True)
def weekly_evaluations_task() -> int:
    """Beat (Mondays): one report task per running campaign for last week."""
    today = timezone.localdate()
    ids = reviews.campaign_ids_for_weekly_report(today)
    # Beat runs outside any transaction: nothing to wait for before sending.
    return fan_out(evaluation_report_task, ids, today.isoformat())


@shared_task(acks_late=True)
def evaluation_report_task(campaign_id: int, today: str | None = None) -> int | None:
    campaign = Campaign.objects.select_related("team").filter(pk=campaign_id).first()
    if campaign is None:
        logger.info("campaign %s is gone; no weekly report", campaign_id)
        return None
    return reviews.evaluation_report_write(campaign=campaign, today=_day(today)).pk


@shared_task(acks_late=True)
def diagnosis_task() -> int:
    """Beat (daily): one diagnosis task per running campaign."""
    today = timezone.localdate()
    ids = diagnosis.campaign_ids_to_diagnose(today)
    # Beat runs outside any transaction: nothing to wait for before sending.
    return fan_out(campaign_diagnosis_task, ids, today.isoformat())


@shared_task(acks_late=True)
def campaign_diagnosis_task(campaign_id: int, today: str | None = None) -> int:
    """Diagnose one campaign's last week and follow up its actions; returns the findings."""
    campaign = Campaign.objects.select_related("team").filter(pk=campaign_id).first()
    if campaign is None:
        logger.info("campaign %s is gone; nothing to diagnose", campaign_id)
        return 0
    day = _day(today)
    findings = []
    if campaign.status == CampaignStatus.RUNNING:
        findings = diagnosis.campaign_diagnose(campaign=campaign, today=day)
    optimisation.actions_follow_up(campaign=campaign, today=day)
    return len(findings)


@shared_task(acks_late=True)
def dashboard_archive_task(campaign_id: int, day: str | None = None) -> int:
    """Archive one campaign's dashboard in every language; building it twice is harmless."""
    return dashboard_archive.dashboard_archives_build(campaign_id, today=_day(day))


@shared_task(acks_late=True)
def dashboard_archives_task() -> int:
    """Beat (just after midnight): archive each running campaign's dashboard for the new day."""
    ids = list(
        Campaign.objects.filter(status=CampaignStatus.RUNNING).order_by("pk")
        .values_list("pk", flat=True)
    )
    return fan_out(dashboard_archive_task, ids, timezone.localdate().isoformat())
