"""Tasks: the one way any feature hands a piece of work to a person, and their comments."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .core import Team
from .skills import Skill


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class TaskPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# Urgent first wherever tasks are sorted by priority.
PRIORITY_RANK = {
    TaskPriority.URGENT: 0, TaskPriority.HIGH: 1, TaskPriority.NORMAL: 2, TaskPriority.LOW: 3,
}


class BoardColumn(models.TextChoices):
    """Where a task stands on the board. "To do" and "in progress" are both ``open``,
    so every feature that closes its open tasks keeps closing them."""

    TODO = "todo", _("To do")
    DOING = "doing", _("In progress")
    DONE = "done", _("Done")


class Task(models.Model):
    """A piece of work for one person: a milestone, a review, an incident step…"""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("team")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=TaskPriority.choices, default=TaskPriority.NORMAL
    )
    # The skill the work calls for, when known: who should take it is suggested from it.
    skill = models.CharField(_("skill needed"), max_length=30, choices=Skill.choices, blank=True)
    # Set when the owner starts on an open task (the board's "in progress").
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    source_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("source type"),
    )
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Names the occasion a job or service created the task for ("drill 7 due
    # 2026-12-01 → owner 3"); unique, so a retried or concurrent run finds the
    # task instead of adding a second one. Blank for tasks people create.
    dedup_key = models.CharField(_("de-duplication key"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["status", "due_date", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["team", "status", "due_date"], name="task_team_status_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedup_key"], condition=~Q(dedup_key=""), name="task_unique_dedup_key"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("teams:task_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return (
            self.status == TaskStatus.OPEN
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def column(self) -> str:
        if self.status == TaskStatus.OPEN:
            return BoardColumn.DOING if self.started_at else BoardColumn.TODO
        return BoardColumn.DONE if self.status == TaskStatus.DONE else ""


class TaskComment(models.Model):
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="comments", verbose_name=_("task")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("task comment")
        verbose_name_plural = _("task comments")

    def __str__(self) -> str:
        return self.body[:60]
