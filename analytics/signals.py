"""Saves elsewhere that change what a campaign dashboard shows outdate its archive.

Connected in ``AnalyticsConfig.ready``: the campaign itself (window, budget),
its goals and KPIs (targets, deadlines, platforms), its team's accounts (the
breakdown's names), the platform catalogue and formula metrics (every
dashboard). Each receiver bumps the generation in the saving transaction
(``services.dashboard_archive``). Points and rollups bump it themselves
(``services.store``).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from campaigns.planning.models import KPI, Campaign, Goal
from platforms.models import Platform, PlatformAccount

from .models import FormulaMetric
from .services.dashboard_archive import (
    generation_bump,
    generation_bump_all,
    generation_bump_team,
)

# An account's save that only records a sync or a token changes no dashboard.
ACCOUNT_FIELDS_SHOWN = frozenset({"handle", "platform", "platform_id", "team", "team_id"})


def _campaign_saved(sender: type, instance: Campaign, **kwargs: Any) -> None:
    generation_bump([instance.pk])


def _goal_changed(sender: type, instance: Goal, **kwargs: Any) -> None:
    generation_bump([instance.campaign_id])


def _kpi_changed(sender: type, instance: KPI, **kwargs: Any) -> None:
    # A KPI deleted with its goal may find the goal gone: the goal's own
    # deletion bumps the campaign then.
    generation_bump(Goal.objects.filter(pk=instance.goal_id).values_list("campaign_id", flat=True))


def _account_changed(sender: type, instance: PlatformAccount, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if fields is not None and not ACCOUNT_FIELDS_SHOWN & set(fields):
        return
    generation_bump_team(instance.team_id)


def _catalogue_changed(sender: type, **kwargs: Any) -> None:
    generation_bump_all()


def connect() -> None:
    """Connect the receivers (once: each has a dispatch uid)."""
    post_save.connect(_campaign_saved, sender=Campaign, dispatch_uid="dashboards-campaign")
    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(_goal_changed, sender=Goal, dispatch_uid=f"dashboards-goal-{name}")
        signal.connect(_kpi_changed, sender=KPI, dispatch_uid=f"dashboards-kpi-{name}")
        signal.connect(
            _account_changed, sender=PlatformAccount, dispatch_uid=f"dashboards-account-{name}"
        )
        for model in (Platform, FormulaMetric):
            signal.connect(
                _catalogue_changed, sender=model,
                dispatch_uid=f"dashboards-{model._meta.model_name}-{name}",
            )
