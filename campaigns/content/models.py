"""Content to publish (S2.2.3): items, per-account variants, versions, media, review."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class ContentKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    IMAGE_TEXT = "image_text", _("Image and text")
    SHORT_VIDEO = "short_video", _("Short video")
    LONG_VIDEO = "long_video", _("Long video")
    LIVE_STREAM = "live_stream", _("Live stream")
    PRODUCT_LISTING = "product_listing", _("Product listing")


class InteractionPrompt(models.TextChoices):
    """How the post invites people to take part (S2.3.1(3))."""

    NONE = "", _("None")
    TOPIC = "topic", _("Topic")
    POLL = "poll", _("Poll")
    QA = "qa", _("Q&A")


class ContentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", pgettext_lazy("publication", "Failed")
    UNKNOWN = "unknown", _("Outcome unknown")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MediaSource(models.TextChoices):
    """Where a picture or video comes from (S2.2.3(2): original, no infringing material)."""

    ORIGINAL = "original", _("Made by the team")
    LICENSED = "licensed", _("Licensed (stock or agency)")
    AUTHORISED = "authorised", _("Used with the author's authorisation")
    USER_GENERATED = "user_generated", _("User-generated, with consent")


def media_upload_to(instance: "MediaAsset", filename: str) -> str:
    return f"media/{instance.team_id}/{filename}"


class MediaAsset(models.Model):
    """An uploaded picture or video with the record that it may be used."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="media_assets",
        verbose_name=_("team"),
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=media_upload_to)
    content_type = models.CharField(_("file type"), max_length=60)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    source = models.CharField(_("source"), max_length=20, choices=MediaSource.choices)
    # Licence number, contract or written authorisation: what shows the right to use it.
    licence_reference = models.CharField(_("licence or authorisation"), max_length=200, blank=True)
    licence_expires_on = models.DateField(_("licence expires on"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("media asset")
        verbose_name_plural = _("media assets")

    def __str__(self) -> str:
        return self.title

    @property
    def file_kind(self) -> str:
        """The file's type as people name it (PNG, MP4), from the type found on upload."""
        from teams.uploads import MEDIA_TYPES

        return MEDIA_TYPES.get(self.content_type, "").upper()


class ContentItem(models.Model):
    """One piece of content for a campaign: the original text and its target accounts.

    ``status`` follows the declared machine in ``transitions.py``. After scheduling
    it summarises the item's publications (one per target account).
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="content_items",
        verbose_name=_("campaign"),
    )
    # The campaign's team, kept on the row so every list is scoped without a join.
    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="content_items",
        verbose_name=_("team"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ContentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    planned_theme = models.CharField(_("planned theme"), max_length=200, blank=True)
    interaction_prompt = models.CharField(
        _("interaction prompt"), max_length=10, choices=InteractionPrompt.choices, blank=True,
        default=InteractionPrompt.NONE,
    )
    interaction_prompt_text = models.CharField(
        _("interaction prompt text"), max_length=300, blank=True
    )
    is_paid_promotion = models.BooleanField(_("paid promotion"), default=False)
    filing = models.ForeignKey(
        "compliance.PromotionFiling", on_delete=models.PROTECT, null=True, blank=True,
        related_name="content_items", verbose_name=_("filing"),
    )
    media = models.ManyToManyField(
        MediaAsset, blank=True, related_name="content_items", verbose_name=_("media")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ContentStatus.choices, default=ContentStatus.DRAFT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="content_items",
        verbose_name=_("owner"),
    )
    # When the owner wants it out; an item still unapproved then expires.
    planned_at = models.DateTimeField(_("planned for"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # The version whose submission the checker refused on blocking findings: it
    # waits for a reviewer's override (or an edit, which makes a new version).
    blocked_version = models.PositiveIntegerField(
        _("version blocked by findings"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        indexes = [
            models.Index(fields=["team", "status"]),
            models.Index(fields=["campaign", "status"]),
            models.Index(fields=["status", "planned_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("content:detail", args=[self.pk])


class ContentVariant(models.Model):
    """The item as one target account gets it; blank fields fall back to the original."""

    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="variants", verbose_name=_("item")
    )
    account = models.ForeignKey(
        "platforms.PlatformAccount", on_delete=models.PROTECT, related_name="content_variants",
        verbose_name=_("account"),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("content variant")
        verbose_name_plural = _("content variants")
        constraints = [
            models.UniqueConstraint(fields=["item", "account"], name="content_variant_one_per_account"),
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.account}"

    @property
    def effective_title(self) -> str:
        return self.title or self.item.title

    @property
    def effective_body(self) -> str:
        return self.body or self.item.body


class ContentVersion(models.Model):
    """What the item said after one edit: every edit makes a version (for review diffs)."""

    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="versions", verbose_name=_("item")
    )
    number = models.PositiveIntegerField(_("version"))
    # title, body, theme, prompt, paid flag, filing id, media ids and
    # {account id: {title, body}} of the variants, as saved.
    snapshot = models.JSONField(_("snapshot"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["item", "-number"]
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="content_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")


class ContentReview(models.Model):
    """A reviewer's decision on one version, with the S3.1.2 checklist and comments."""

    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("item")
    )
    version = models.PositiveIntegerField(_("version"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("reviewer"),
    )
    decision = models.CharField(_("decision"), max_length=20, choices=ReviewDecision.choices)
    # S3.1.2: accuracy (no typos, nothing misleading), compliance (law, platform
    # rules, no infringing material), safety (no pornographic, violent or
    # terrorist content). Approval needs all three ticked.
    accuracy_ok = models.BooleanField(_("accurate: no typos or misleading claims"), default=False)
    compliance_ok = models.BooleanField(_("compliant: law, platform rules, rights"), default=False)
    safety_ok = models.BooleanField(_("safe: no pornographic, violent or terrorist content"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        ordering = ["item", "-created_at", "-id"]
        verbose_name = _("content review")
        verbose_name_plural = _("content reviews")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="approved") | (
                    Q(accuracy_ok=True) & Q(compliance_ok=True) & Q(safety_ok=True)
                ),
                name="content_review_approval_needs_checklist",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} v{self.version}: {self.decision}"
