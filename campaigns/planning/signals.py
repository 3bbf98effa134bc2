"""Writes the campaign list API shows give their teams new answer tags.

Connected in ``PlanningConfig.ready``, so admin edits and loaded fixtures count
as much as the services. The list (cached by its teams' tags,
``teams.models.AnswerTag``) shows each campaign's own fields, its team and its
owner's username: a campaign saved or deleted renews its team's tag (and the tag
of the team it was read from, when it moved); a user saved with a new username
renews the tags of the teams of their campaigns. A save of only the last login
changes nothing. A queryset ``update()`` or ``bulk_create()`` of campaigns
sends no signal: code that writes campaigns that way renews the tags itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from teams.services import answer_tags_renew

from .models import Campaign


def _campaign_saved(sender: type, instance: Campaign, using: str, **kwargs: Any) -> None:
    loaded_team = getattr(instance, "_loaded_team_id", None)
    answer_tags_renew([instance.team_id, loaded_team], using=using)
    instance._loaded_team_id = instance.team_id  # type: ignore[attr-defined]


def _campaign_deleted(sender: type, instance: Campaign, using: str, **kwargs: Any) -> None:
    answer_tags_renew([instance.team_id], using=using)


def _user_saved(sender: type, instance: Any, using: str, created: bool, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if created or (fields is not None and "username" not in fields):
        return
    teams = Campaign.objects.using(using).filter(owner_id=instance.pk).values_list("team_id")
    answer_tags_renew({team for (team,) in teams}, using=using)


def connect() -> None:
    """Connect the receivers (once: each has a dispatch uid)."""
    post_save.connect(_campaign_saved, sender=Campaign, dispatch_uid="campaign-list-save")
    post_delete.connect(_campaign_deleted, sender=Campaign, dispatch_uid="campaign-list-delete")
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="campaign-list-owner")
