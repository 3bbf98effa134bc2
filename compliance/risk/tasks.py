"""Celery tasks of risk control: thin doors into its services.

Beat tasks list ids and enqueue one small task per id, so a slow team or drill
holds up nobody else and the time limit applies to each piece of work.
"""

import logging

from celery import shared_task
from django.utils import timezone

from teams.jobs import fan_out
from teams.models import Team

# services enqueues these tasks and these tasks call services: both modules
# import each other and only use the other's names at call time.
from . import selectors, services
from .models import Drill

logger = logging.getLogger(__name__)


@shared_task
def opinion_spike_check_task(team_id: int) -> int | None:
    """Check one team's recent signals for a negative spike; returns the incident id.

    Idempotent: while the spike's incident is open, a rerun adds to it (or
    nothing, when the picture has not changed) instead of opening another.
    """
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        logger.warning("opinion_spike_check_task: team %s is gone", team_id)
        return None
    incident = services.opinion_spike_check(team=team)
    return incident.pk if incident else None


@shared_task
def opinion_spike_check_all_task() -> int:
    """Beat: one spike check per team, so a spike is caught even without new ingests.

    Returns how many checks were enqueued.
    """
    team_ids = list(Team.objects.order_by("pk").values_list("pk", flat=True))
    # Beat runs outside any transaction: nothing to wait for before sending.
    return fan_out(opinion_spike_check_task, team_ids)


@shared_task
def drill_reminder_task(drill_id: int) -> int | None:
    """Remind one due drill's owner with a task; returns the task id (None: nothing due)."""
    drill = Drill.objects.select_related("team", "owner").filter(pk=drill_id).first()
    if drill is None:
        logger.warning("drill_reminder_task: drill %s is gone", drill_id)
        return None
    task = services.drill_reminder_send(drill=drill)
    return task.pk if task else None


@shared_task
def drill_reminders_task() -> int:
    """Beat: one reminder task per drill due and not yet reminded; returns how many."""
    drill_ids = selectors.drill_ids_due_for_reminder(timezone.localdate())
    # Beat runs outside any transaction: nothing to wait for before sending.
    return fan_out(drill_reminder_task, drill_ids)
