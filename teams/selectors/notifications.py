"""A person's notifications: only ever their own."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User as AuthUser
from django.db.models import QuerySet
from django.utils import timezone

from ..models import Notification, NotificationKind, NotificationSettings
from .access import User

# Notifications older than this are not e-mailed any more: a digest after a
# long pause should not bring up stale news.
DIGEST_WINDOW = datetime.timedelta(days=3)


def notifications_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first (one query: no targets are loaded)."""
    qs = Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def notification_get(user: User, pk: int) -> Notification:
    """One of the user's own notifications (DoesNotExist for anyone else's)."""
    return Notification.objects.get(pk=pk, recipient_id=user.pk)


def email_kinds_of(user: AuthUser) -> list[str]:
    row = NotificationSettings.objects.filter(user_id=user.pk).first()
    if row is None:
        return [str(kind) for kind in NotificationSettings._meta.get_field("email_kinds").default()]
    return [kind for kind in row.email_kinds if kind in NotificationKind.values]


def digest_user_ids(today: datetime.date) -> list[int]:
    """People who may have a digest due: unread, un-e-mailed recent notifications.

    A superset: each person's own task applies their chosen kinds and the
    once-a-day rule.
    """
    return list(
        Notification.objects.filter(
            emailed_at__isnull=True, read_at__isnull=True,
            created_at__gte=timezone.now() - DIGEST_WINDOW,
        ).exclude(recipient__notification_settings__last_digest_on__gte=today)
        .values_list("recipient_id", flat=True).distinct().order_by("recipient_id")
    )
