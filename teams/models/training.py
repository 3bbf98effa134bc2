"""Training (S3.3.3): plans, sessions, attendance with a score and a re-assessed level."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .core import Membership, Team
from .skills import LEVEL_MAX, LEVEL_MIN, Skill


class TrainingTopic(models.TextChoices):
    PLATFORM_RULES = "platform_rules", _("Platform rules")
    MARKETING_TOOLS = "marketing_tools", _("Marketing tools")
    COMPLIANCE = "compliance", _("Compliance")
    CONTENT = "content", _("Content craft")
    DATA = "data", _("Data analysis")


class TrainingFormat(models.TextChoices):
    WORKSHOP = "workshop", _("Hands-on workshop")
    LECTURE = "lecture", _("Lecture with Q&A")
    ONLINE = "online", _("Online course")
    MENTORING = "mentoring", _("Mentoring")
    EXERCISE = "exercise", _("Simulation exercise")


class TrainingPlan(models.Model):
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="training_plans", verbose_name=_("team")
    )
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=20, choices=TrainingTopic.choices)
    format = models.CharField(_("format"), max_length=20, choices=TrainingFormat.choices)
    skill = models.CharField(_("skill trained"), max_length=30, choices=Skill.choices)
    content = models.TextField(_("content"), blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="training_plan_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("teams:training_plan", args=[self.pk])


class TrainingSession(models.Model):
    plan = models.ForeignKey(
        TrainingPlan, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("plan")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("trainer"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="training_session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("teams:training_plan", args=[self.plan_id]) + f"#session-{self.pk}"

    @property
    def ical_uid(self) -> str:
        return f"training-{self.pk}@campaignops"


class TrainingAttendance(models.Model):
    """A member invited to a session: whether they came, their score, their new level."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance",
        verbose_name=_("session"),
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="training_attendance",
        verbose_name=_("member"),
    )
    # None until recorded after the session.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("assessment score"), null=True, blank=True)
    assessed_level = models.PositiveSmallIntegerField(
        _("level after the session"), null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["session", "membership__user__username"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "membership"], name="training_attendance_once"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100),
                name="training_attendance_score_range",
            ),
            models.CheckConstraint(
                condition=Q(assessed_level__isnull=True)
                | (Q(assessed_level__gte=LEVEL_MIN) & Q(assessed_level__lte=LEVEL_MAX)),
                name="training_attendance_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership} @ {self.session}"
