"""The audit row every service writes in its own transaction."""

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models

from ..models import AuditEvent, Team


def audit_record(
    *,
    actor: User | None,
    action: str,
    summary: str,
    target: models.Model | None = None,
    team: Team | None = None,
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Record who did what, when and why, in the caller's transaction.

    ``summary`` is an untranslated message id (mark it with ``gettext_noop``)
    that may use ``%(name)s`` placeholders filled from ``data``; it is
    translated when shown, so each reader sees it in their own language.
    """
    if team is None and target is not None:
        team = getattr(target, "team", None)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        team=team,
        action=action,
        summary=summary,
        reason=reason,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
