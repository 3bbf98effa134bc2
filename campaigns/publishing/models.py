"""The publishing calendar (S2.3.1): recurring plans, slots and exactly-once publications."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
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
    # When the beat last sent it to a worker: a row already in the queue is not
    # sent again until this is older than the task's hard time limit (a lost
    # message is then sent again; the row lock makes a duplicate harmless).
    queued_at = models.DateTimeField(_("sent to a worker at"), null=True, blank=True)
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
            # A cancelled publication stays for its history; the item may be
            # scheduled on that account again.
            models.UniqueConstraint(
                fields=["item", "account"], condition=~Q(status="cancelled"),
                name="publication_one_live_per_account",
            ),
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

    def get_absolute_url(self) -> str:
        return reverse("publishing:publication_detail", args=[self.pk])

    @property
    def error_summary(self) -> str:
        """Why it failed or is unknown, translated; empty when nothing went wrong."""
        return error_summary(self.error_kind, self.error_code)

    @property
    def error_label(self) -> str:
        """The reason in a few words (a calendar entry), translated; empty when none."""
        if self.error_kind not in ErrorKind.values:
            return ""
        return str(ErrorKind(self.error_kind).label)


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

    @property
    def error_summary(self) -> str:
        return error_summary(self.error_kind, self.error_code)


class ErrorKind(models.TextChoices):
    """Why a publication failed or is unknown: the connector's error class or ours."""

    TRANSIENT = "transient", _("Platform busy")
    AUTH = "auth", _("Credentials rejected")
    PERMANENT = "permanent", _("Refused by the platform")
    UNKNOWN = "unknown", _("No answer")
    ACCOUNT = "account", _("Account cannot publish")
    CONTENT = "content", _("Content not publishable")
    INTERRUPTED = "interrupted", _("Interrupted")
    NO_EXTERNAL_ID = "no_external_id", _("No post id returned")
    NOT_FOUND = "not_found", _("Not on the platform")


ERROR_SUMMARIES = {
    ErrorKind.TRANSIENT: _(
        "The platform was busy or rate-limited every time it was asked; nothing was "
        "accepted. Retry when the platform is available again."
    ),
    ErrorKind.AUTH: _(
        "The platform rejected the account's credentials; nothing was published. "
        "Reconnect the account, then retry."
    ),
    ErrorKind.PERMANENT: _(
        "The platform refused the post; nothing was published. Check the content and "
        "the account's settings on the platform, then retry."
    ),
    ErrorKind.UNKNOWN: _(
        "The request may have reached the platform, but no answer said what happened. "
        "The platform is being asked (read-only); check the account before retrying, "
        "or the post may appear twice."
    ),
    ErrorKind.ACCOUNT: _(
        "The account could not publish at the scheduled time (qualification, "
        "certification or connection); nothing was sent."
    ),
    ErrorKind.CONTENT: _(
        "The content could not be prepared for this account; nothing was sent."
    ),
    ErrorKind.INTERRUPTED: _(
        "Publishing stopped before the platform answered (the worker ended). "
        "The platform is being asked (read-only) whether the post went out."
    ),
    ErrorKind.NO_EXTERNAL_ID: _(
        "The platform answered without the post's id, so it is not counted as published; "
        "the platform is being asked (read-only) for it."
    ),
    ErrorKind.NOT_FOUND: _(
        "The platform has no record of the post: nothing went out. Retry it if it "
        "should still go out."
    ),
}


def error_summary(kind: str, code: str = "") -> str:
    """A translated summary of why a publication failed or is unknown (never raw platform text)."""
    if not kind:
        return ""
    summary = str(ERROR_SUMMARIES.get(kind, _("The last call to the platform failed.")))
    if code:
        return _("%(summary)s (error code %(code)s)") % {"summary": summary, "code": code}
    return summary
