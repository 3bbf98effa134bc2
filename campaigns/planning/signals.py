"""Writes the campaign list API shows give its teams new cache tags (``services.list_generation``).

Connected in ``PlanningConfig.ready``, so admin edits and loaded fixtures count
as much as the services. The list shows each campaign's own fields, its team
and its owner's username: a campaign saved or deleted tags its team (and the
team it was read from, when it moved); a user saved with a new username tags
the teams of their campaigns. A save of only the last login changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from .models import Campaign
from .services.list_generation import campaign_list_bump, campaign_list_bump_owner


def _campaign_saved(sender: type, instance: Campaign, using: str, **kwargs: Any) -> None:
    loaded_team = getattr(instance, "_loaded_team_id", None)
    campaign_list_bump([instance.team_id, loaded_team], using=using)
    instance._loaded_team_id = instance.team_id  # type: ignore[attr-defined]


def _campaign_deleted(sender: type, instance: Campaign, using: str, **kwargs: Any) -> None:
    campaign_list_bump([instance.team_id], using=using)


def _user_saved(sender: type, instance: Any, using: str, created: bool, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if created or (fields is not None and "username" not in fields):
        return
    campaign_list_bump_owner(instance.pk, using=using)


def connect() -> None:
    """Connect the receivers (once: each has a dispatch uid)."""
    post_save.connect(_campaign_saved, sender=Campaign, dispatch_uid="campaign-list-save")
    post_delete.connect(_campaign_deleted, sender=Campaign, dispatch_uid="campaign-list-delete")
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="campaign-list-owner")
