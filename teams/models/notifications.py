"""In-app notifications, and which of them each person also wants by e-mail."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..messages import render_message
from .core import Team


class NotificationKind(models.TextChoices):
    ASSIGNMENT = "assignment", _("Task assigned to me")
    TASK_DUE = "task_due", _("My task is due")
    TASK_OVERDUE = "task_overdue", _("My task is overdue")
    APPROVAL = "approval", _("An approval waits for me")
    COMMENT = "comment", _("Comment on my task")
    MEETING = "meeting", _("Meeting invitation")
    AGENDA = "agenda", _("Meeting agenda ready")
    TRAINING = "training", _("Training session")


# What a new user receives by e-mail until they choose.
DEFAULT_EMAIL_KINDS = [
    NotificationKind.ASSIGNMENT, NotificationKind.TASK_OVERDUE, NotificationKind.APPROVAL,
    NotificationKind.AGENDA,
]


def default_email_kinds() -> list[str]:
    return [str(kind) for kind in DEFAULT_EMAIL_KINDS]


class Notification(models.Model):
    """One message for one person, stored untranslated and shown in their language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("recipient"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("team"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    msgid = models.CharField(_("message"), max_length=300)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("target type"),
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    # The target's page when the notification was made: the bell links there
    # without loading each target.
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # Names the occasion ("overdue task 7 on 2026-05-01 → user 3"): a retried
    # job finds the notification instead of sending a second one.
    dedup_key = models.CharField(_("de-duplication key"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["dedup_key"], condition=~Q(dedup_key=""),
                name="notification_unique_dedup_key",
            ),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        return render_message(self.msgid, self.params)


class NotificationSettings(models.Model):
    """Which kinds a person also receives by e-mail, bundled into at most one digest a day."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings",
        verbose_name=_("user"),
    )
    email_kinds = models.JSONField(_("by e-mail"), default=default_email_kinds, blank=True)
    last_digest_on = models.DateField(_("last digest sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)
