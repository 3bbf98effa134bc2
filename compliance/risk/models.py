"""Incidents, emergency plans and drills (spec S3.2.1, S3.2.3)."""

import contextlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from teams.roles import Role

__all__ = [
    "Drill",
    "DrillRun",
    "EmergencyPlan",
    "EmergencyPlanStep",
    "Incident",
    "IncidentSeverity",
    "IncidentStatus",
    "IncidentStep",
    "IncidentType",
    "IncidentUpdate",
    "OpinionAlertRule",
    "OpinionSignal",
    "SentimentLabel",
    "UpdateKind",
]


class IncidentType(models.TextChoices):
    ACCOUNT_BANNED = "account_banned", _("Account banned or restricted")
    CONTENT_COMPLAINT = "content_complaint", _("Content complaint")
    NEGATIVE_PUBLICITY = "negative_publicity", _("Negative publicity")
    DATA_LEAK = "data_leak", _("Data leak")
    OTHER = "other", _("Other")


class IncidentSeverity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IncidentStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("incident status", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", pgettext_lazy("incident status", "Closed")


OPEN_STATUSES = (IncidentStatus.OPEN, IncidentStatus.IN_PROGRESS)


class SentimentLabel(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    POSITIVE = "positive", _("Positive")


class UpdateKind(models.TextChoices):
    NOTE = "note", _("Note")
    STATUS = "status", _("Status change")
    STEP = "step", _("Step")
    SYSTEM = "system", _("System")


class OpinionAlertRule(models.Model):
    """Thresholds for negative-spike detection, per team (S3.2.1)."""

    team = models.OneToOneField(
        "teams.Team", on_delete=models.CASCADE, related_name="opinion_alert_rule",
        verbose_name=_("team"),
    )
    window_minutes = models.PositiveIntegerField(_("window (minutes)"), default=60)
    baseline_hours = models.PositiveIntegerField(_("baseline (hours)"), default=24 * 7)
    min_negative_count = models.PositiveIntegerField(_("minimum negative count"), default=5)
    min_negative_share = models.FloatField(_("minimum negative share"), default=0.4)
    baseline_multiplier = models.FloatField(_("times the baseline share"), default=2.0)
    severity = models.CharField(
        _("severity"), max_length=20, choices=IncidentSeverity.choices,
        default=IncidentSeverity.HIGH,
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "compliance_opinionalertrule"
        verbose_name = _("opinion alert rule")
        verbose_name_plural = _("opinion alert rules")

    def __str__(self) -> str:
        return str(self.team)


class OpinionSignal(models.Model):
    """One scored interaction (comment, message, mention) fed to spike detection."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="+", verbose_name=_("team"),
    )
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    score = models.FloatField(_("score"))
    label = models.CharField(_("label"), max_length=10, choices=SentimentLabel.choices)
    source = models.CharField(_("source"), max_length=120, blank=True)
    platform_code = models.CharField(_("platform"), max_length=40, blank=True)
    external_id = models.CharField(_("external id"), max_length=120, blank=True)
    excerpt = models.CharField(_("excerpt"), max_length=200, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        db_table = "compliance_opinionsignal"
        verbose_name = _("opinion signal")
        verbose_name_plural = _("opinion signals")
        indexes = [models.Index(fields=["team", "occurred_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "source", "external_id"],
                condition=~models.Q(external_id=""),
                name="compliance_signal_unique_external",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.label} {self.occurred_at:%Y-%m-%d %H:%M}"


class EmergencyPlan(models.Model):
    """The playbook for one incident type: ordered steps and holding statements (S3.2.3)."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="+", verbose_name=_("team"),
    )
    incident_type = models.CharField(
        _("incident type"), max_length=30, choices=IncidentType.choices,
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # [{"title": ..., "body": ...}], approved as a whole by ``approved_by``.
    holding_statements = models.JSONField(_("holding statements"), default=list, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(table_name="compliance_historicalemergencyplan")

    class Meta:
        db_table = "compliance_emergencyplan"
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        ordering = ["incident_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "incident_type"], name="compliance_plan_one_per_type",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EmergencyPlanStep(models.Model):
    plan = models.ForeignKey(
        EmergencyPlan, on_delete=models.CASCADE, related_name="steps", verbose_name=_("plan"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    owner_role = models.CharField(
        _("owner role"), max_length=20, choices=Role.choices, blank=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("owner"),
    )
    due_offset_hours = models.PositiveIntegerField(_("due after (hours)"), default=24)

    class Meta:
        db_table = "compliance_emergencyplanstep"
        verbose_name = _("emergency plan step")
        verbose_name_plural = _("emergency plan steps")
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Incident(models.Model):
    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="+", verbose_name=_("team"),
    )
    title = models.CharField(_("title"), max_length=200)
    incident_type = models.CharField(
        _("incident type"), max_length=30, choices=IncidentType.choices,
    )
    severity = models.CharField(
        _("severity"), max_length=20, choices=IncidentSeverity.choices,
        default=IncidentSeverity.MEDIUM,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IncidentStatus.choices,
        default=IncidentStatus.OPEN, db_index=True,
    )
    source = models.CharField(_("source"), max_length=120, blank=True)
    platform_code = models.CharField(_("platform"), max_length=40, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("owner"),
    )
    plan = models.ForeignKey(
        EmergencyPlan, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="incidents", verbose_name=_("plan"),
    )
    # Set for incidents opened by spike detection: one open incident per spike.
    spike_key = models.CharField(_("spike key"), max_length=120, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    history = HistoricalRecords(table_name="compliance_historicalincident")

    class Meta:
        db_table = "compliance_incident"
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "spike_key"], condition=~models.Q(spike_key=""),
                name="compliance_incident_one_per_spike",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class IncidentStep(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="steps", verbose_name=_("incident"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("owner"),
    )
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    task = models.ForeignKey(
        "teams.Task", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("task"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("done by"),
    )

    class Meta:
        db_table = "compliance_incidentstep"
        verbose_name = _("incident step")
        verbose_name_plural = _("incident steps")
        ordering = ["incident", "order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class IncidentUpdate(models.Model):
    """One entry of an incident's timeline."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="updates", verbose_name=_("incident"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("author"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=UpdateKind.choices, default=UpdateKind.NOTE,
    )
    # A person's words, as written; for a system entry, an optional note after the summary.
    message = models.TextField(_("message"), blank=True)
    # System entries store an untranslated msgid and its parameters, translated when shown
    # (like teams.AuditEvent.summary), so each reader sees them in their own language.
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)

    class Meta:
        db_table = "compliance_incidentupdate"
        verbose_name = _("incident update")
        verbose_name_plural = _("incident updates")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def text(self) -> str:
        """The entry in the reader's language: translated summary, then any written note."""
        if not self.summary:
            return self.message
        params = dict(self.params or {})
        for key in ("from", "to"):  # status codes → their labels in the reader's language
            if params.get(key) in IncidentStatus.values:
                params[key] = IncidentStatus(params[key]).label
        summary = gettext(self.summary)
        with contextlib.suppress(KeyError, TypeError, ValueError):
            summary = summary % params if params else summary
        return f"{summary}\n{self.message}" if self.message else summary


class Drill(models.Model):
    """A scheduled rehearsal of an emergency plan (S3.2.3)."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="+", verbose_name=_("team"),
    )
    plan = models.ForeignKey(
        EmergencyPlan, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="drills", verbose_name=_("plan"),
    )
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("owner"),
    )
    interval_days = models.PositiveIntegerField(_("every (days)"), default=90)
    next_due = models.DateField(_("next due"))
    is_active = models.BooleanField(_("active"), default=True)
    last_reminded_for = models.DateField(_("last reminded for"), null=True, blank=True)

    class Meta:
        db_table = "compliance_drill"
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["next_due", "id"]

    def __str__(self) -> str:
        return self.title


class DrillRun(models.Model):
    drill = models.ForeignKey(
        Drill, on_delete=models.CASCADE, related_name="runs", verbose_name=_("drill"),
    )
    ran_on = models.DateField(_("ran on"))
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    log = models.TextField(_("run log"))
    lessons_learned = models.TextField(_("lessons learned"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        db_table = "compliance_drillrun"
        verbose_name = _("drill run")
        verbose_name_plural = _("drill runs")
        ordering = ["-ran_on", "-id"]

    def __str__(self) -> str:
        return f"{self.drill} {self.ran_on}"
