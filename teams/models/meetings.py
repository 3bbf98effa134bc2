"""Communication (S3.3.2): meeting series, meetings, generated agendas, minutes,
decisions and action items, and the per-user calendar feed."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..messages import render_message
from .core import Team
from .tasks import Task


class MeetingKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly team meeting")
    MONTHLY_REVIEW = "monthly_review", _("Monthly project review")
    OTHER = "other", _("Other meeting")


class MeetingSeries(models.Model):
    """A recurring meeting: who takes part and when, as an iCalendar RRULE."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="meeting_series", verbose_name=_("team")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    # RFC 5545 recurrence rule without DTSTART, e.g. "FREQ=WEEKLY;BYDAY=MO".
    rrule = models.CharField(_("recurrence rule"), max_length=300)
    first_starts_at = models.DateTimeField(_("first meeting starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    location = models.CharField(_("location"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="meeting_series", verbose_name=_("participants")
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("organiser"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["team", "title"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="meeting_series_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    """One meeting (an occurrence of a series, or a one-off)."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("team")
    )
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="meetings", verbose_name=_("series"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="meetings", verbose_name=_("participants")
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("organiser"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices,
        default=MeetingStatus.SCHEDULED,
    )
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("minutes written by"),
    )
    agenda_written_at = models.DateTimeField(_("agenda written at"), null=True, blank=True)
    # Bumped whenever time, place or agenda change: calendar clients replace
    # an event only when its SEQUENCE grows.
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "starts_at"], condition=Q(series__isnull=False),
                name="meeting_once_per_series_occurrence",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["team", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.title} {self.starts_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("teams:meeting_detail", args=[self.pk])

    @property
    def ical_uid(self) -> str:
        """Stable across edits and exports, so a client updates instead of duplicating."""
        return f"meeting-{self.pk}@campaignops"


class AgendaSection(models.TextChoices):
    """Sections in the order an agenda shows them."""

    ACTION_ITEMS = "action_items", _("Last meeting's action items")
    CAMPAIGNS = "campaigns", _("Campaigns: status and phase")
    KPIS = "kpis", _("KPIs behind pace")
    INCIDENTS = "incidents", _("Open incidents")
    OVERDUE_TASKS = "overdue_tasks", _("Overdue tasks")
    OVERDUE_REPLIES = "overdue_replies", _("Replies past their SLA")
    CONTENT_REVIEW = "content_review", _("Content waiting for review")
    DECISIONS = "decisions", _("Decisions pending")


SECTION_ORDER = {value: index for index, value in enumerate(AgendaSection.values)}


class AgendaItem(models.Model):
    """One line of a generated agenda, linked to the record it comes from.

    The title is a message id with parameters, translated when read, since
    the job writes it once for participants who read different languages.
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    section = models.CharField(_("section"), max_length=30, choices=AgendaSection.choices)
    order = models.PositiveIntegerField(_("order"), default=0)
    msgid = models.CharField(_("title"), max_length=300)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # False for a line that says a source of data is not available yet.
    available = models.BooleanField(_("data available"), default=True)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("source type"),
    )
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    url = models.CharField(_("link"), max_length=500, blank=True)

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return render_message(self.msgid, self.params)


class DecisionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("decision", "Pending")
    MADE = "made", _("Decided")
    DROPPED = "dropped", _("Dropped")


class Decision(models.Model):
    """A question a meeting raised or settled; pending ones come back on the next agenda."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("team")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    title = models.CharField(_("decision"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices,
        default=DecisionStatus.PENDING,
    )
    note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("teams:meeting_detail", args=[self.meeting_id]) + f"#decision-{self.pk}"


class ActionItem(models.Model):
    """Something a meeting asked someone to do; carried out as a task."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("meeting")
    )
    title = models.CharField(_("action item"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    task = models.OneToOneField(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_item",
        verbose_name=_("task"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("teams:meeting_detail", args=[self.meeting_id]) + f"#action-{self.pk}"


class CalendarFeed(models.Model):
    """The secret that makes a person's calendar feed URL; rotating it kills the old URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    rotated_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
