"""Monitoring and evaluation (S2.3.3, S2.4): the metric store, its ways in, and the reviews.

Raw points come in three ways — connector pulls, file imports and first-party
tracking links — and are unique on (source, account, content, date, hour,
metric), so a re-pull or a re-import updates instead of duplicating. Daily
rollups per campaign × account × metric are kept in step by the ingest path
(only the days a batch touched are recomputed); dashboards and APIs read
rollups only. On PostgreSQL the raw points are partitioned by month.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# --- the store ---------------------------------------------------------------------


class MetricSource(models.TextChoices):
    CONNECTOR = "connector", _("Platform pull")
    IMPORT = "import", _("File import")
    TRACKING = "tracking", _("Tracking link")


class MetricPoint(models.Model):
    """One value of one metric for one account (and optionally one piece of content) and day.

    ``content_key`` is the content item's id, or 0 for an account-wide value, and
    ``hour`` is 0–23 or -1 for a whole day: the natural key has no NULLs, so the
    unique constraint holds on every database.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="metric_points",
        verbose_name=_("campaign"),
    )
    account = models.ForeignKey(
        "platforms.PlatformAccount", on_delete=models.CASCADE, related_name="metric_points",
        verbose_name=_("account"),
    )
    content_item = models.ForeignKey(
        "content.ContentItem", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="metric_points", verbose_name=_("content item"),
    )
    # The content item's id; 0 for an account-wide value; negative (derived from
    # the post id) for a post not published through CampaignOps.
    content_key = models.BigIntegerField(_("content key"), default=0)
    publication = models.ForeignKey(
        "publishing.Publication", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="metric_points", verbose_name=_("publication"),
    )
    date = models.DateField(_("date"))
    hour = models.SmallIntegerField(_("hour"), default=-1)
    metric = models.CharField(_("metric"), max_length=40)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source = models.CharField(_("source"), max_length=20, choices=MetricSource.choices)
    batch = models.ForeignKey(
        "ImportBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="points",
        verbose_name=_("import batch"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("metric point")
        verbose_name_plural = _("metric points")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "account", "content_key", "date", "hour", "metric"],
                name="metric_point_natural_key",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="metric_point_not_negative"),
            models.CheckConstraint(
                condition=Q(hour__gte=-1) & Q(hour__lte=23), name="metric_point_hour_range"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "date"], name="metric_point_campaign_date")]

    def __str__(self) -> str:
        return f"{self.metric} {self.date}: {self.value}"


class DailyRollup(models.Model):
    """The day's value of a metric for a campaign on one account: what dashboards read.

    Counts and money are sums over the day's raw points; rates are never
    stored here but derived from summed parts when read.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="daily_rollups",
        verbose_name=_("campaign"),
    )
    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("platform"),
    )
    account = models.ForeignKey(
        "platforms.PlatformAccount", on_delete=models.CASCADE, related_name="daily_rollups",
        verbose_name=_("account"),
    )
    date = models.DateField(_("date"))
    metric = models.CharField(_("metric"), max_length=40)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)

    class Meta:
        ordering = ["campaign", "date", "metric"]
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "account", "metric", "date"], name="daily_rollup_natural_key"
            ),
        ]
        indexes = [
            # Every column dashboards and the metrics API read, so a campaign's
            # rows — written day by day among other campaigns' — come from the
            # index alone instead of one heap page per row.
            models.Index(
                fields=["campaign", "metric", "date", "account", "platform", "value"],
                name="rollup_campaign_metric_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.metric} {self.date}: {self.value}"


class DashboardGeneration(models.Model):
    """How many times what a campaign's dashboard shows has changed.

    Bumped in the transaction that changes it: points and rollups written
    (``services.store``), the campaign, its goals and KPIs, its team's accounts,
    the platform catalogue or a formula metric saved (``signals``). An archived
    dashboard is served only while the generation it was built from is current.
    The campaign is a plain id, not a foreign key: a KPI deleted with its
    campaign bumps the counter in the same deletion, after the campaign's rows
    were collected.
    """

    campaign_id = models.BigIntegerField(_("campaign"), primary_key=True)
    value = models.BigIntegerField(_("generation"), default=0)

    class Meta:
        verbose_name = _("dashboard generation")
        verbose_name_plural = _("dashboard generations")

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.value}"


class DashboardArchive(models.Model):
    """A campaign dashboard's data as the API sends it, built ahead (Matomo's "archive").

    One per campaign and language, for the default view (the campaign's window
    up to today, every platform). Valid while ``built_for`` is today and
    ``generation`` is the campaign's current one; otherwise the request
    computes the dashboard from the rollups and archives it again.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("campaign"),
    )
    language = models.CharField(_("language"), max_length=16)
    built_for = models.DateField(_("built for"))
    generation = models.BigIntegerField(_("generation"))
    body = models.TextField(_("body"))
    built_at = models.DateTimeField(_("built at"), auto_now=True)

    class Meta:
        verbose_name = _("dashboard archive")
        verbose_name_plural = _("dashboard archives")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "language"], name="dashboard_archive_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.language} {self.built_for}"


class FormulaMetric(models.Model):
    """A team's own rate, as data: the ratio of two sums of catalogue metrics.

    "WeChat natural open rate" = reads ÷ followers; "Douyin interaction rate" =
    (likes + comments + shares) ÷ plays. Computed from summed parts, never by
    averaging daily rates.
    """

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, null=True, blank=True,
        related_name="formula_metrics", verbose_name=_("team"),
        help_text=_("Leave empty to offer the formula to every team."),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    numerator = models.JSONField(_("numerator metrics"), default=list)
    denominator = models.JSONField(_("denominator metrics"), default=list)
    as_percentage = models.BooleanField(_("show as a percentage"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("formula metric")
        verbose_name_plural = _("formula metrics")
        constraints = [
            models.UniqueConstraint(fields=["team", "code"], name="formula_metric_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


# --- ways in ---------------------------------------------------------------------------


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Rejected: invalid rows")
    FAILED = "failed", pgettext_lazy("import", "Failed")


class ImportBatch(models.Model):
    """One uploaded export file and what came of it, row by row."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="import_batches",
        verbose_name=_("team"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="import_batches",
        verbose_name=_("campaign"),
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Which export layout the file follows ("generic" today; tool presets later).
    preset = models.CharField(_("layout"), max_length=40, default="generic")
    # The account named by the user, for exports that carry no account column.
    account = models.ForeignKey(
        "platforms.PlatformAccount", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("account"),
    )
    skip_invalid = models.BooleanField(_("import the valid rows, skip the invalid"), default=False)
    dry_run = models.BooleanField(_("check only"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    rows_invalid = models.PositiveIntegerField(_("invalid rows"), default=0)
    points_added = models.PositiveIntegerField(_("points added"), default=0)
    points_updated = models.PositiveIntegerField(_("points updated"), default=0)
    points_unchanged = models.PositiveIntegerField(_("points unchanged"), default=0)
    # ["row 7: …", …] in the uploader's language at the time of the import.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The last sign of life: sent to a worker, taken by one, or rows read. A
    # waiting or running batch silent for longer than
    # ANALYTICS_IMPORT_STALE_SECONDS lost its worker or its message
    # (``imports.imports_sweep``).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # Workers that took the batch; bounds the re-runs of a file that kills its worker.
    runs = models.PositiveSmallIntegerField(_("runs"), default=0)
    # The uploader's language: a run sent again by the sweeper reports its rows
    # in it, as the first run would have.
    language = models.CharField(_("language"), max_length=16, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.original_name


class AccountPullState(models.Model):
    """Where the metric pulls of one account stand: incremental since the last success."""

    account = models.OneToOneField(
        "platforms.PlatformAccount", on_delete=models.CASCADE, related_name="pull_state",
        verbose_name=_("account"),
    )
    pulled_through = models.DateField(_("data pulled through"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    consecutive_failures = models.PositiveSmallIntegerField(_("failures in a row"), default=0)
    error_kind = models.CharField(_("error kind"), max_length=20, blank=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("metric pull state")
        verbose_name_plural = _("metric pull states")

    def __str__(self) -> str:
        return str(self.account)


class TrackingLink(models.Model):
    """A first-party short link with UTM parameters, per content item and channel."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="tracking_links",
        verbose_name=_("team"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="tracking_links",
        verbose_name=_("campaign"),
    )
    account = models.ForeignKey(
        "platforms.PlatformAccount", on_delete=models.CASCADE, related_name="tracking_links",
        verbose_name=_("account"),
    )
    content_item = models.ForeignKey(
        "content.ContentItem", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="tracking_links", verbose_name=_("content item"),
    )
    code = models.SlugField(_("short code"), max_length=20, unique=True)
    target_url = models.URLField(_("target URL"), max_length=1000)
    utm_source = models.CharField(_("utm_source"), max_length=100)
    utm_medium = models.CharField(_("utm_medium"), max_length=100)
    utm_campaign = models.CharField(_("utm_campaign"), max_length=100)
    utm_content = models.CharField(_("utm_content"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tracking link")
        verbose_name_plural = _("tracking links")

    def __str__(self) -> str:
        return self.code


class TrackingSecret(models.Model):
    """The per-campaign key that signs server-to-server conversion calls (HMAC-SHA256)."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="tracking_secret",
        verbose_name=_("campaign"),
    )
    # Fernet-encrypted like platform credentials; shown once when (re)generated.
    secret_ciphertext = models.TextField(_("encrypted secret"), editable=False)
    rotated_at = models.DateTimeField(_("rotated at"), auto_now=True)

    class Meta:
        verbose_name = _("tracking secret")
        verbose_name_plural = _("tracking secrets")

    def __str__(self) -> str:
        return str(self.campaign)


class Conversion(models.Model):
    """A conversion reported against a tracking link; idempotent per order id."""

    link = models.ForeignKey(
        TrackingLink, on_delete=models.CASCADE, related_name="conversions",
        verbose_name=_("tracking link"),
    )
    order_id = models.CharField(_("order id"), max_length=120)
    revenue = models.DecimalField(_("revenue (CNY)"), max_digits=14, decimal_places=2, default=0)
    occurred_at = models.DateTimeField(_("occurred at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("conversion")
        verbose_name_plural = _("conversions")
        constraints = [
            models.UniqueConstraint(fields=["link", "order_id"], name="conversion_once_per_order"),
            models.CheckConstraint(condition=Q(revenue__gte=0), name="conversion_revenue_not_negative"),
        ]

    def __str__(self) -> str:
        return self.order_id


# --- evaluation (S2.1.3, S2.4) ------------------------------------------------------------


class PhaseReview(models.Model):
    """Written at a phase's end: the KPIs against target, the gap, what changed since."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="phase_reviews",
        verbose_name=_("campaign"),
    )
    phase = models.OneToOneField(
        "campaigns.Phase", on_delete=models.CASCADE, related_name="review",
        verbose_name=_("phase"),
    )
    # [{"kpi": id, "metric", "target", "actual", "progress", "expected", "pacing"}, …]
    kpi_snapshot = models.JSONField(_("KPI snapshot"), default=list)
    changes = models.JSONField(_("changes since the last review"), default=list)
    summary = models.TextField(_("summary"), blank=True)
    summary_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("summary written by"),
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["campaign", "created_at"]
        verbose_name = _("phase review")
        verbose_name_plural = _("phase reviews")

    def __str__(self) -> str:
        return str(self.phase)

    def get_absolute_url(self) -> str:
        return reverse("analytics:phase_review", args=[self.pk])


class EvaluationReport(models.Model):
    """The weekly evaluation of a running campaign: trend, distribution, gaps."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="evaluation_reports",
        verbose_name=_("campaign"),
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    data = models.JSONField(_("data"), default=dict)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["campaign", "-period_start"]
        verbose_name = _("evaluation report")
        verbose_name_plural = _("evaluation reports")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "period_start"], name="evaluation_report_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.period_start}–{self.period_end}"

    def get_absolute_url(self) -> str:
        return reverse("analytics:evaluation_report", args=[self.pk])


class FindingKind(models.TextChoices):
    LOW_IMPRESSIONS = "low_impressions", _("Low impressions")
    LOW_CTR = "low_ctr", _("Low click-through rate")
    LOW_CONVERSION = "low_conversion", _("Low conversion")
    WEAK_PLATFORM = "weak_platform", _("A platform far below the campaign's average")
    NEGATIVE_SENTIMENT = "negative_sentiment", _("Negative sentiment rising")


class Finding(models.Model):
    """A diagnosis (S2.4.2): the weakest stage, its likely cause, the numbers behind it."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="findings",
        verbose_name=_("campaign"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=FindingKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    # The figures the rule compared: this campaign, its own history, the team's
    # earlier campaigns; shown with the finding.
    evidence = models.JSONField(_("evidence"), default=dict)
    # The platform a per-platform finding is about (its code), else blank: part of
    # the key that makes a diagnosis run twice write one finding.
    platform_code = models.CharField(_("platform"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("found at"), auto_now_add=True)

    class Meta:
        ordering = ["campaign", "-period_end", "kind"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "platform_code", "period_end"],
                name="finding_once_per_period",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def get_absolute_url(self) -> str:
        return reverse("analytics:diagnosis", args=[self.campaign_id])


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class OptimisationAction(models.Model):
    """What the team changes because of a finding (S2.4.3), measured before and after."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="optimisation_actions",
        verbose_name=_("campaign"),
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions",
        verbose_name=_("finding"),
    )
    kpi = models.ForeignKey(
        "campaigns.KPI", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("KPI"),
    )
    title = models.CharField(_("title"), max_length=200)
    expected_effect = models.CharField(_("expected effect"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    task = models.ForeignKey(
        "teams.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("task"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # The KPI over the same number of days before and after the action was done.
    window_days = models.PositiveSmallIntegerField(_("measured over (days)"), default=7)
    value_before = models.DecimalField(
        _("value before"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    value_after = models.DecimalField(
        _("value after"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["campaign", "due_date", "id"]
        verbose_name = _("optimisation action")
        verbose_name_plural = _("optimisation actions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # Actions are listed with their finding on the campaign's diagnosis page.
        return reverse("analytics:diagnosis", args=[self.campaign_id])
