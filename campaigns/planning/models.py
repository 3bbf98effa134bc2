from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from platforms.metrics import METRICS, Metric, MetricKind, format_metric_value
from platforms.models import Platform
from teams.models import Team


class Objective(models.TextChoices):
    AWARENESS = "awareness", _("Brand awareness")
    SALES = "sales", _("Sales")
    LEADS = "leads", _("Lead acquisition")
    ENGAGEMENT = "engagement", _("Engagement")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLANNED = "planned", _("Planned")
    IN_PRODUCTION = "in_production", _("In production")
    RUNNING = "running", _("Running")
    EVALUATING = "evaluating", _("Evaluating")
    CLOSED = "closed", _("Closed")
    PAUSED = "paused", _("Paused")
    CANCELLED = "cancelled", _("Cancelled")


class Gender(models.TextChoices):
    ANY = "any", _("Any")
    FEMALE = "female", _("Mostly female")
    MALE = "male", _("Mostly male")


class AgeBand(models.TextChoices):
    UNDER_18 = "under-18", _("Under 18")
    A18_24 = "18-24", "18–24"
    A25_34 = "25-34", "25–34"
    A35_44 = "35-44", "35–44"
    A45_54 = "45-54", "45–54"
    A55_PLUS = "55+", _("55 and over")


class Campaign(models.Model):
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("team")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_campaigns",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=200)
    objective = models.CharField(_("objective"), max_length=20, choices=Objective.choices)
    description = models.TextField(_("description"), blank=True)
    budget = models.DecimalField(
        _("budget (CNY)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    target_age_bands = models.JSONField(_("target age bands"), default=list, blank=True)
    target_gender = models.CharField(
        _("target gender"), max_length=10, choices=Gender.choices, default=Gender.ANY
    )
    target_interests = models.JSONField(_("target interests"), default=list, blank=True)
    # Set when a marketer hands the plan to a manager for approval; cleared
    # when it goes back to draft.
    submitted_at = models.DateTimeField(_("submitted for approval at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="campaign_end_after_start"
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="campaign_budget_not_negative"),
        ]
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # Tasks (approval) link here from the "my tasks" page.
        return reverse("campaigns:detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        campaign = super().from_db(db, field_names, values)
        # The team it was read with: a save that moves it to another team
        # changes both teams' cached answers (``signals``).
        campaign._loaded_team_id = campaign.__dict__.get("team_id")
        return campaign


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")


class PhaseKind(models.TextChoices):
    # S2.1.3: content production, promotion, evaluation.
    PRODUCTION = "production", _("Content production")
    PROMOTION = "promotion", _("Promotion")
    EVALUATION = "evaluation", _("Evaluation")
    CUSTOM = "custom", _("Custom")


class Goal(models.Model):
    """A SMART goal of a campaign (S2.1.1), measured by one or more KPIs."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="goals", verbose_name=_("campaign")
    )
    statement = models.TextField(_("goal statement"))
    objective = models.CharField(_("objective"), max_length=20, choices=Objective.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "order", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.statement[:80]


class KPI(models.Model):
    """How a goal is measured (S2.1.2): a metric with baseline, target and deadline.

    Rates are stored as ratios (0.05). A relative target ("+20 %") keeps the
    percentage in ``target_change_percent`` and the absolute ``target``
    computed from the baseline, so both are known.
    """

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("goal"))
    metric = models.CharField(_("metric"), max_length=40, choices=Metric.choices)
    platform = models.ForeignKey(
        Platform,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kpis",
        verbose_name=_("platform"),
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=18, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    no_baseline_reason = models.CharField(_("why there is no baseline"), max_length=300, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=18, decimal_places=4, validators=[MinValueValidator(0)]
    )
    target_change_percent = models.DecimalField(
        _("target change (%)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    deadline = models.DateField(_("deadline"))
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    # The result reached, recorded at evaluation; earlier campaigns' results
    # feed the achievability check of new plans (S2.1.1 "Achievable").
    achieved = models.DecimalField(
        _("achieved"), max_digits=18, decimal_places=4, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["goal", "id"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [
            models.CheckConstraint(condition=Q(target__gte=0), name="kpi_target_not_negative"),
            models.CheckConstraint(
                condition=Q(baseline__isnull=True) | Q(baseline__gte=0),
                name="kpi_baseline_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["metric"])]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} → {self.target}"

    @property
    def is_rate(self) -> bool:
        return METRICS[self.metric].kind == MetricKind.RATIO

    @property
    def target_display(self) -> str:
        return format_metric_value(self.metric, self.target)

    @property
    def baseline_display(self) -> str:
        return format_metric_value(self.metric, self.baseline)

    @property
    def achieved_display(self) -> str:
        return format_metric_value(self.metric, self.achieved)


class Phase(models.Model):
    """A stretch of the campaign timeline (S2.1.3)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="phases", verbose_name=_("campaign")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PhaseKind.choices)
    name = models.CharField(_("name"), max_length=120, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    parallel = models.BooleanField(
        _("may overlap other phases"), default=False,
        help_text=_("Tick when this phase runs in parallel with others."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "start_date", "order", "id"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="phase_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name or str(self.get_kind_display())


class Milestone(models.Model):
    """A key node inside a phase (S2.1.3), ticked off when done."""

    phase = models.ForeignKey(
        Phase, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("phase")
    )
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due date"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_milestones",
        verbose_name=_("owner"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # Resolved by a redirect so that a page listing many milestones (my
        # tasks) needs no query per milestone to find its campaign.
        return reverse("campaigns:milestone_open", args=[self.pk])
