import logging
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

logger = logging.getLogger("campaignops.platforms")

# Age bands the audience profiles and the recommender speak (S2.2.1 (1)).
AGE_BANDS = ("under-18", "18-24", "25-34", "35-44", "45-54", "55+")
# The keys of each 0–1 estimate a platform profile holds (S2.2.1).
SHARE_KEYS = {
    "audience_age": AGE_BANDS,
    "business_fit": ("b2b", "b2c"),
    "format_fit": ("video", "image_text"),
}


def _fraction(value) -> float | None:
    """``value`` as a number between 0 and 1, or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    if not math.isfinite(value) or not 0 <= value <= 1:
        return None
    return value


class PlatformCategory(models.TextChoices):
    SOCIAL = "social", _("Social")
    ECOMMERCE = "ecommerce", _("E-commerce")
    CONTENT = "content", _("Content")
    VIDEO = "video", _("Video")
    PROFESSIONAL = "professional", _("Professional network")


class ContentFormat(models.TextChoices):
    ARTICLE = "article", _("Article")
    IMAGE_TEXT = "image_text", _("Image-text")
    SHORT_VIDEO = "short_video", _("Short video")
    LONG_VIDEO = "long_video", _("Long video")
    LIVE_STREAM = "live_stream", _("Live stream")
    PRODUCT_LISTING = "product_listing", _("Product listing")


class AdFlexibility(models.TextChoices):
    HIGH = "high", _("Flexible")
    MEDIUM = "medium", _("Moderate")
    LOW = "low", _("Restrictive")


class DocumentKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    TRADEMARK_AUTHORISATION = "trademark_authorisation", _("Trademark authorisation")
    INDUSTRY_PERMIT = "industry_permit", _("Industry permit")
    ADMINISTRATOR_ID = "administrator_id", _("Administrator ID")
    AUTHORISATION_LETTER = "authorisation_letter", _("Authorisation letter")
    OTHER = "other", _("Other")


class Platform(models.Model):
    """One online platform campaigns run on (S2.2.1); the catalogue is data.

    The audience and format figures are editable estimates, not platform
    statistics: admins adjust them as they learn.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60)
    category = models.CharField(_("category"), max_length=20, choices=PlatformCategory.choices)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    # Audience profile (estimates): age band -> share, female share, interest tags.
    audience_age = models.JSONField(
        _("audience by age band (estimate)"), default=dict, blank=True,
        help_text=_("Share of users per age band, e.g. {\"18-24\": 0.3}; an editable estimate."),
    )
    audience_female_share = models.DecimalField(
        _("female share of audience (estimate)"), max_digits=3, decimal_places=2, default=0.5
    )
    interest_tags = models.JSONField(_("interest tags (estimate)"), default=list, blank=True)
    # How well business and consumer marketing fit, 0–1 (estimates).
    business_fit = models.JSONField(
        _("B2B / B2C fit (estimate)"), default=dict, blank=True,
        help_text=_("e.g. {\"b2b\": 0.3, \"b2c\": 0.9}; an editable estimate."),
    )
    content_formats = models.JSONField(_("supported content formats"), default=list, blank=True)
    # How well video and image-text products do, 0–1 (estimates).
    format_fit = models.JSONField(
        _("format fit (estimate)"), default=dict, blank=True,
        help_text=_("e.g. {\"video\": 0.9, \"image_text\": 0.4}; an editable estimate."),
    )
    ad_flexibility = models.CharField(
        _("paid-promotion flexibility"), max_length=10, choices=AdFlexibility.choices,
        default=AdFlexibility.MEDIUM,
    )
    api_publish = models.BooleanField(_("API allows publishing"), default=False)
    api_metrics = models.BooleanField(_("API allows metrics"), default=False)
    api_interactions = models.BooleanField(_("API allows interactions"), default=False)
    data_retention_days = models.PositiveIntegerField(
        _("days post data is kept"), null=True, blank=True,
        help_text=_("How far back the platform lets you read post data; empty if unknown."),
    )
    requires_enterprise_certification = models.BooleanField(
        _("requires enterprise certification"), default=True
    )
    required_documents = models.JSONField(
        _("required qualification documents"), default=list, blank=True,
        help_text=_("Document kinds an account must hold, valid, before it publishes (S2.2.2)."),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The platform's name in the reader's language."""
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en

    def get_content_formats_display(self) -> list[str]:
        labels = dict(ContentFormat.choices)
        return [str(labels[code]) for code in self._codes(self.content_formats, labels)]

    def get_interest_tags_display(self) -> list[str]:
        """The interest tags by their names in the reader's language."""
        from .interests import interest_label

        return [interest_label(tag) for tag in self.interest_tags_clean]

    def get_required_documents_display(self) -> list[str]:
        labels = dict(DocumentKind.choices)
        return [str(labels[code]) for code in self._codes(self.required_documents, labels)]

    @staticmethod
    def _codes(value, known) -> list[str]:
        if not isinstance(value, list):
            return []
        return [code for code in value if isinstance(code, str) and code in known]

    # -- tolerant readers: a bad row is skipped and logged, never a 500 --------
    def shares(self, field_name: str) -> dict[str, float]:
        """The usable part of a 0–1 estimate (``audience_age``, ``business_fit``, ``format_fit``)."""
        raw = getattr(self, field_name)
        if not raw:
            return {}
        if not isinstance(raw, dict):
            logger.warning("Platform %s: %s is not an object; ignored", self.code, field_name)
            return {}
        shares = {}
        for key, value in raw.items():
            number = _fraction(value)
            if key not in SHARE_KEYS[field_name] or number is None:
                logger.warning(
                    "Platform %s: %s[%r] = %r is not usable; ignored",
                    self.code, field_name, key, value,
                )
                continue
            shares[key] = number
        return shares

    @property
    def female_share(self) -> float:
        share = _fraction(float(self.audience_female_share or 0))
        return 0.5 if share is None else share

    @property
    def interest_tags_clean(self) -> tuple[str, ...]:
        if not isinstance(self.interest_tags, list):
            return ()
        return tuple(
            tag.strip().lower() for tag in self.interest_tags if isinstance(tag, str) and tag.strip()
        )

    def clean(self) -> None:
        """Field errors for catalogue data the recommender cannot use (admin edits)."""
        errors: dict[str, str] = {}
        for field_name, keys in SHARE_KEYS.items():
            value = getattr(self, field_name)
            if value in (None, ""):
                continue
            if not isinstance(value, dict):
                errors[field_name] = _(
                    "Enter an object such as {\"%(key)s\": 0.5}."
                ) % {"key": keys[0]}
                continue
            unknown = [str(key) for key in value if key not in keys]
            if unknown:
                errors[field_name] = _("Unknown key(s): %(keys)s. Use %(allowed)s.") % {
                    "keys": ", ".join(unknown), "allowed": ", ".join(keys),
                }
                continue
            bad = [str(key) for key, share in value.items() if _fraction(share) is None]
            if bad:
                errors[field_name] = _(
                    "Each value must be a number between 0 and 1 (check %(keys)s)."
                ) % {"keys": ", ".join(bad)}
        if self.audience_female_share is not None and _fraction(
            float(self.audience_female_share)
        ) is None:
            errors["audience_female_share"] = _("Enter a share between 0 and 1.")
        for field_name, known in (
            ("content_formats", ContentFormat.values),
            ("required_documents", DocumentKind.values),
        ):
            value = getattr(self, field_name)
            if value in (None, ""):
                continue
            if not isinstance(value, list):
                errors[field_name] = _("Enter a list of codes.")
                continue
            unknown = [str(code) for code in value if code not in known]
            if unknown:
                errors[field_name] = _("Unknown code(s): %(codes)s. Use %(allowed)s.") % {
                    "codes": ", ".join(unknown), "allowed": ", ".join(known),
                }
        tags = self.interest_tags
        if tags not in (None, "") and (
            not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags)
        ):
            errors["interest_tags"] = _("Enter a list of tags (text).")
        if errors:
            raise ValidationError(errors)


class ConnectorKind(models.TextChoices):
    SANDBOX = "sandbox", _("Sandbox (simulated)")
    WECHAT_OFFICIAL_ACCOUNT = "wechat_official_account", _("WeChat Official Account API")
    WEIBO = "weibo", _("Weibo Open API")


class ConnectorErrorKind(models.TextChoices):
    TRANSIENT = "transient", _("Temporary")
    AUTH = "auth", _("Credentials rejected")
    PERMANENT = "permanent", _("Refused")
    UNKNOWN = "unknown", _("Outcome unknown")


ERROR_SUMMARIES = {
    ConnectorErrorKind.TRANSIENT: _(
        "The platform did not answer or was busy; it is tried again later."
    ),
    ConnectorErrorKind.AUTH: _("The platform rejected the credentials; reconnect the account."),
    ConnectorErrorKind.PERMANENT: _(
        "The platform refused the request; check the account's settings on the platform."
    ),
    ConnectorErrorKind.UNKNOWN: _(
        "The platform did not say whether the request went through; "
        "it is checked before anything is sent again."
    ),
}


def error_summary(kind: str, code: str = "") -> str:
    """A translated, readable summary of a connector failure (never the raw text)."""
    summary = str(ERROR_SUMMARIES.get(kind, _("The last call to the platform failed.")))
    if code:
        return _("%(summary)s (error code %(code)s)") % {"summary": summary, "code": code}
    return summary


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    PENDING = "pending", _("Pending review")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")


class PlatformAccount(models.Model):
    """A team's account on one platform, with its qualification (S2.2.2)."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="platform_accounts",
        verbose_name=_("team"),
    )
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("platform")
    )
    handle = models.CharField(_("handle"), max_length=120)
    external_id = models.CharField(_("external id"), max_length=120, blank=True)
    connector = models.CharField(
        _("connector"), max_length=40, choices=ConnectorKind.choices, default=ConnectorKind.SANDBOX
    )
    verification_status = models.CharField(
        _("verification status"), max_length=20, choices=VerificationStatus.choices,
        default=VerificationStatus.UNVERIFIED,
    )
    enterprise_certificate_number = models.CharField(
        _("enterprise certificate number"), max_length=80, blank=True
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    certification_expires_on = models.DateField(
        _("certification expires on"), null=True, blank=True
    )
    # Fernet token of a JSON object (app id, secret, tokens); see platforms.crypto.
    # Write-only: no page, endpoint, admin form or log shows it.
    credentials_ciphertext = models.TextField(_("encrypted credentials"), blank=True, editable=False)
    needs_reconnection = models.BooleanField(_("needs reconnection"), default=False)
    last_sync_at = models.DateTimeField(_("last successful sync"), null=True, blank=True)
    # A person asked for a connection check (page or API); it is under way until
    # ``last_checked_at`` passes this moment.
    health_check_requested_at = models.DateTimeField(
        _("connection check requested at"), null=True, blank=True
    )
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_check_ok = models.BooleanField(_("last check succeeded"), null=True, blank=True)
    # Technical detail of the last connector failure (for support, admin only);
    # pages show ``last_error_summary``, translated, from its kind and code.
    last_error = models.TextField(_("last error"), blank=True)
    last_error_kind = models.CharField(
        _("last error kind"), max_length=20, choices=ConnectorErrorKind.choices, blank=True
    )
    last_error_code = models.CharField(_("last error code"), max_length=40, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    token_expires_at = models.DateTimeField(_("token expires at"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["credentials_ciphertext"])

    class Meta:
        ordering = ["team__name", "platform__sort_order", "handle"]
        verbose_name = _("platform account")
        verbose_name_plural = _("platform accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "platform", "handle"], name="platform_account_unique_handle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform.name} · {self.handle}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("platforms:account_detail", args=[self.pk])

    @property
    def has_credentials(self) -> bool:
        return bool(self.credentials_ciphertext)

    @property
    def health_check_under_way(self) -> bool:
        requested = self.health_check_requested_at
        return requested is not None and (
            self.last_checked_at is None or self.last_checked_at < requested
        )

    @property
    def last_error_summary(self) -> str:
        if not self.last_error:
            return ""
        return error_summary(self.last_error_kind, self.last_error_code)

    @property
    def last_check_summary(self) -> str:
        """What the last finished connection check found, translated; empty before the first."""
        if self.last_check_ok:
            return str(_("The connection works."))
        if self.last_check_ok is None:
            return ""
        if self.last_error_kind == ConnectorErrorKind.TRANSIENT:
            # The check's retries are spent: nothing tries again until someone asks.
            summary = str(_(
                "The platform did not answer or was busy, also when asked again; "
                "check again later."
            ))
            if self.last_error_code:
                return _("%(summary)s (error code %(code)s)") % {
                    "summary": summary, "code": self.last_error_code,
                }
            return summary
        return self.last_error_summary or str(_("The last call to the platform failed."))


def document_upload_to(instance: "QualificationDocument", filename: str) -> str:
    return f"qualifications/{instance.account_id or 'new'}/{filename}"


class QualificationDocument(models.Model):
    """A qualification document on file for an account, valid until a date (S2.2.2)."""

    account = models.ForeignKey(
        PlatformAccount, on_delete=models.CASCADE, related_name="documents",
        verbose_name=_("account"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=DocumentKind.choices)
    number = models.CharField(_("number"), max_length=80, blank=True)
    file = models.FileField(_("file"), upload_to=document_upload_to, blank=True)
    # The type the file's content was found to be on upload (teams.uploads); it is
    # served with exactly this type, as a download (teams.downloads).
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["account", "kind", "-expires_on"]
        verbose_name = _("qualification document")
        verbose_name_plural = _("qualification documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.account_id})"

    @property
    def is_expired(self) -> bool:
        return self.expires_on is None or self.expires_on < timezone.localdate()

    def get_file_url(self) -> str:
        """Where the file is downloaded: a view that checks the reader first, never /media/."""
        from django.urls import reverse

        return reverse("platforms:document_file", args=[self.account_id, self.pk])


class SandboxPost(models.Model):
    """A post on the simulated platform of the sandbox connector.

    The sandbox behaves like a real platform that does not de-duplicate: every
    publish call adds a row, so a publication posted twice shows as two rows
    with one ``client_key``.
    """

    account = models.ForeignKey(
        PlatformAccount, on_delete=models.CASCADE, related_name="sandbox_posts",
        verbose_name=_("account"),
    )
    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    url = models.URLField(_("URL"), max_length=300)
    client_key = models.CharField(_("client key"), max_length=64, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("sandbox post")
        verbose_name_plural = _("sandbox posts")
        indexes = [models.Index(fields=["account", "created_at"])]

    def __str__(self) -> str:
        return self.external_id
