"""Notifications: the one way any app tells a person something, in app and by e-mail.

``notify`` stores a message id and its parameters (translated when read, so
each reader sees their language) and is idempotent per ``dedup_key``. E-mail
goes out as a digest of the kinds a person chose, at most once a day
(``notification_digest_send``, run by a daily beat job).
"""

from __future__ import annotations

import datetime
import logging
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Notification, NotificationKind, NotificationSettings, Team
from ..selectors.notifications import DIGEST_WINDOW

logger = logging.getLogger(__name__)



def _url_of(target: models.Model | None) -> str:
    getter = getattr(target, "get_absolute_url", None)
    if getter is None:
        return ""
    try:
        return str(getter())[:500]
    except NoReverseMatch:  # a target whose page is gone must not stop the message
        logger.warning("no URL for notification target %r", target)
        return ""


def notify(
    *,
    user: User,
    kind: str,
    message: str,
    params: dict | None = None,
    target: models.Model | None = None,
    team: Team | None = None,
    url: str = "",
    dedup_key: str = "",
) -> Notification | None:
    """Tell ``user`` something; returns the notification, or None for an inactive user.

    ``message`` is an untranslated message id (mark it with ``gettext_noop``)
    with ``%(name)s`` placeholders filled from ``params`` when read; a value
    ``{"t": msgid}`` is translated too (``teams.messages.label_param``).
    Idempotent per ``dedup_key`` (unique, at most 200 characters): the same
    occasion notifies once, also when two runs race.
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not user.is_active:
        return None
    dedup_key = dedup_key.strip()
    if len(dedup_key) > cast(int, Notification._meta.get_field("dedup_key").max_length):
        raise ValueError(f"notification de-duplication key too long: {dedup_key!r}")
    if dedup_key:
        existing = Notification.objects.filter(dedup_key=dedup_key).first()
        if existing is not None:
            return existing
    if team is None and target is not None:
        team = getattr(target, "team", None)
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=user, team=team, kind=kind, msgid=message, params=params or {},
                target_type=(
                    ContentType.objects.get_for_model(target) if target is not None else None
                ),
                target_id=str(target.pk) if target is not None else "",
                url=url or _url_of(target), dedup_key=dedup_key,
            )
    except IntegrityError:
        if not dedup_key:
            raise
        return Notification.objects.get(dedup_key=dedup_key)  # a concurrent run won the race


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (others' are not theirs to touch)."""
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_settings_for(user: User) -> NotificationSettings:
    settings_row, _created = NotificationSettings.objects.get_or_create(user=user)
    return settings_row


def notification_settings_set(
    *, user: User, email_kinds: list[str]
) -> NotificationSettings:
    """Choose which kinds also come by e-mail (in the daily digest)."""
    unknown = sorted(set(email_kinds) - set(NotificationKind.values))
    if unknown:
        raise ValidationError({"email_kinds": _("Unknown kind of notification: %(kinds)s.") % {
            "kinds": ", ".join(unknown)}})
    with transaction.atomic():
        row = notification_settings_for(user)
        row.email_kinds = [k for k in NotificationKind.values if k in set(email_kinds)]
        row.save(update_fields=["email_kinds"])
    return row


def notification_digest_send(*, user: User, today: datetime.date) -> int:
    """E-mail the user one digest of their chosen kinds not yet e-mailed; at most one a day.

    Returns how many notifications it carried (0: nothing sent). The settings
    row is locked, so two runs on one day send one digest; the mail goes out
    before the transaction commits, so a failed send leaves everything to the
    next run.
    """
    if not user.is_active or not user.email:
        return 0
    with transaction.atomic():
        row = notification_settings_for(user)
        row = NotificationSettings.objects.select_for_update().get(pk=row.pk)
        if row.last_digest_on is not None and row.last_digest_on >= today:
            return 0
        pending = list(
            Notification.objects.filter(
                recipient=user, kind__in=row.email_kinds, emailed_at__isnull=True,
                read_at__isnull=True, created_at__gte=timezone.now() - DIGEST_WINDOW,
            ).order_by("created_at", "id")
        )
        if not pending:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            context = {"user": user, "notifications": pending, "site": settings.SITE_NAME}
            subject = _("%(count)s updates from %(site)s") % {
                "count": len(pending), "site": settings.SITE_NAME,
            }
            body = render_to_string("teams/email/digest.txt", context)
        send_mail(subject, body, None, [user.email])
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            emailed_at=timezone.now()
        )
        row.last_digest_on = today
        row.save(update_fields=["last_digest_on"])
    return len(pending)
