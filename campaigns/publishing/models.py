"""The publishing calendar (S2.3.1): recurring plans, slots and exactly-once publications."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from campaigns.content.models import ContentKind


class PublishingPlan(models.Model):
    """A recurring rhythm for one account (S2.3.1(1)): "image-text daily at 20:00".

    ``rrule`` is an iCalendar RRULE (RFC 5545, read with python-dateutil) applied
    from ``starts_on`` at ``time_of_day`` in the team's time zone; each occurrence
    becomes a slot to fill.
    """

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="publishing_plans",
        verbose_name=_("team"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="publishing_plans",
        verbose_name=_("campaign"),
    )
    account = models.ForeignKey(
        "platforms.PlatformAccount", on_delete=models.PROTECT, related_name="publishing_plans",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=200)
    content_kind = models.CharField(_("content kind"), max_length=20, choices=ContentKind.choices)
    rrule = models.CharField(_("recurrence (RRULE)"), max_length=300)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    time_of_day = models.TimeField(_("time of day"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "name", "id"]
        verbose_name = _("publishing plan")
        verbose_name_plural = _("publishing plans")

    def __str__(self) -> str:
        return self.name


class Slot(models.Model):
    """A time on one account's calendar, from a plan or made by hand; filled by an item."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="publishing_slots",
        verbose_name=_("team"),
    )
    plan = models.ForeignKey(
        PublishingPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="slots",
        verbose_name=_("plan"),
    )
    account = models.ForeignKey(
        "platforms.PlatformAccount", on_delete=models.PROTECT, related_name="publishing_slots",
        verbose_name=_("account"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    item = models.ForeignKey(
        "content.ContentItem", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="slots", verbose_name=_("content item"),
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "starts_at"], condition=Q(plan__isnull=False),
                name="slot_one_per_plan_occurrence",
            ),
        ]
        indexes = [models.Index(fields=["team", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.account} @ {self.starts_at:%Y-%m-%d %H:%M}"


class PublicationStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", pgettext_lazy("publication", "Failed")
    UNKNOWN = "unknown", _("Outcome unknown")
    CANCELLED = "cancelled", _("Cancelled")


class Publication(models.Model):
    """One content item going out on one account, exactly once.

    The publish task takes the row under a lock, moves it to ``publishing``
    before calling the platform, and calls the platform's publish endpoint at
    most once per attempt; an answer that does not say what happened leaves it
    ``unknown`` for a read-only reconciliation. Nothing is ``published`` without
    an external id.
    """

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="publications",
        verbose_name=_("team"),
    )
    item = models.ForeignKey(
        "content.ContentItem", on_delete=models.CASCADE, related_name="publications",
        verbose_name=_("content item"),
    )
    account = models.ForeignKey(
        "platforms.PlatformAccount", on_delete=models.PROTECT, related_name="publications",
        verbose_name=_("account"),
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.SET_NULL, null=True, blank=True, related_name="publications",
        verbose_name=_("slot"),
    )
    scheduled_at = models.DateTimeField(_("scheduled for"))
    status = models.CharField(
        _("status"), max_length=20, choices=PublicationStatus.choices,
        default=PublicationStatus.SCHEDULED,
    )
    # Names this publication to the platform where the API takes a client
    # token, and to the sandbox; also how reconciliation recognises it.
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    publish_started_at = models.DateTimeField(_("publish started at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    # The platform's job id while it finishes publishing asynchronously (WeChat
    # freepublish's publish_id): what the reconciliation asks about.
    pending_ref = models.CharField(_("pending job id"), max_length=200, blank=True)
    outcome_checked_at = models.DateTimeField(_("outcome last checked"), null=True, blank=True)
    # Why it failed or is unknown: an error class and the platform's code,
    # never the platform's raw text (it may echo secrets).
    error_kind = models.CharField(_("error kind"), max_length=20, blank=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("scheduled by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_at", "id"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(fields=["item", "account"], name="publication_one_per_account"),
            models.CheckConstraint(
                condition=~Q(status="published") | ~Q(external_id=""),
                name="publication_published_has_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "scheduled_at"]),
            models.Index(fields=["team", "scheduled_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.account}"


class AttemptOutcome(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Accepted, still publishing")
    FAILED = "failed", pgettext_lazy("publication", "Failed")
    UNKNOWN = "unknown", _("Outcome unknown")
    RETRY = "retry", _("Platform busy; tried again later")


class PublicationAttempt(models.Model):
    """One call to a platform's publish endpoint: when, and what came of it."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="attempt_log",
        verbose_name=_("publication"),
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=AttemptOutcome.choices, blank=True
    )
    error_kind = models.CharField(_("error kind"), max_length=20, blank=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    # Who retried by hand, and after reading which reason.
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("retried by"),
    )

    class Meta:
        ordering = ["publication", "number"]
        verbose_name = _("publication attempt")
        verbose_name_plural = _("publication attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "number"], name="publication_attempt_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publication} #{self.number}"
