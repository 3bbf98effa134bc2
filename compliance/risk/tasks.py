"""Celery tasks of risk control: thin doors into its services."""

import logging

from celery import shared_task

from teams.models import Team

from . import services

logger = logging.getLogger(__name__)


@shared_task
def opinion_spike_check_task(team_id: int) -> int | None:
    """Check one team's recent signals for a negative spike; returns the incident id."""
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        logger.warning("opinion_spike_check_task: team %s is gone", team_id)
        return None
    incident = services.opinion_spike_check(team=team)
    return incident.pk if incident else None


@shared_task
def opinion_spike_check_all_task() -> list[int]:
    """Beat: check every team, so a spike is caught even without new ingests."""
    opened = []
    for team in Team.objects.all():
        incident = services.opinion_spike_check(team=team)
        if incident is not None:
            opened.append(incident.pk)
    return opened


@shared_task
def drill_reminders_task() -> int:
    """Beat: remind owners of due drills with a task (once per due date)."""
    return len(services.drill_reminders_send())
