"""What every publishing service shares: who may act, the audit row, the item following.

A content item's status sums up its publications (``campaigns.content.transitions``):
``publishing`` while one is under way, ``unknown`` when an outcome is not known,
``failed`` when one failed, ``published`` when all went out, ``scheduled`` while
they wait and ``approved`` again when none is left. Publishing never writes the
item's status itself: it asks ``content_item_move`` for the move, and only for
a move the CONTENT machine declares.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.content.models import ContentItem, ContentStatus
from campaigns.content.services import content_item_move
from campaigns.content.transitions import CONTENT
from teams.models import Team
from teams.selectors import user_can
from teams.services import audit_record
from teams.transitions import SYSTEM

from ..models import Publication, PublicationStatus
from ..transitions import PUBLICATION

P = PublicationStatus
C = ContentStatus

# Capability for every calendar write: scheduling, moving, cancelling, retrying, plans.
PUBLISH = "content.publish"


def require_publish(actor: User | None, team: Team | int) -> None:
    if actor is None or not user_can(actor, team, PUBLISH):
        raise PermissionDenied(_("Your role may not schedule or publish for this team."))


def audit(
    actor: User | None, action: str, summary: str, target: models.Model, *,
    team: Team | None = None, reason: str = "", **data,
) -> None:
    audit_record(
        actor=actor, action=action, summary=summary, target=target,
        team=team or getattr(target, "team", None), reason=reason, data=data,
    )


def move(
    publication: Publication, to: str, *, actor: User | None = SYSTEM
) -> None:
    """Set a locked publication's status, only as the PUBLICATION machine allows."""
    PUBLICATION.check(
        actor=actor, team=publication.team_id, source=publication.status, target=to
    )
    publication.status = to


def item_summary(statuses: list[str]) -> str:
    """The status an item's publications add up to (see the module docstring)."""
    live = [s for s in statuses if s != P.CANCELLED]
    if not live:
        return C.APPROVED
    for status in (P.PUBLISHING, P.UNKNOWN, P.FAILED, P.SCHEDULED):
        if status in live:
            return str(status)
    return C.PUBLISHED


def item_follow(
    *, item_id: int, actor: User | None = SYSTEM, reason: str = ""
) -> str:
    """Move the item to what its publications add up to, when CONTENT declares that move.

    An automatic move is made by the system (also when a person's action led to
    it); a person's move needs the person. A move the machine does not declare
    (``publishing`` back to ``scheduled`` while a retry waits) leaves the item
    where it is. Returns the item's status afterwards.
    """
    item = ContentItem.objects.select_for_update().get(pk=item_id)
    statuses = list(
        Publication.objects.filter(item_id=item_id).values_list("status", flat=True)
    )
    target = item_summary(statuses)
    declared = CONTENT.move(item.status, target)
    if target == item.status or declared is None:
        return item.status
    if declared.automatic:
        mover = SYSTEM
    elif actor is not None and user_can(actor, item.team_id, declared.capability or ""):
        mover = actor
    else:
        return item.status
    moved = content_item_move(
        actor=mover, item=item, to=target, reason=reason, expected_from=item.status
    )
    return moved.status


def now() -> datetime.datetime:
    return timezone.now()
