"""Compliance models. Content rules, checks, overrides and filings live here;
risk (incidents, emergency plans, drills) and privacy (consent, data-subject
requests, retention) in their own modules, imported below so Django sees them.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Category(models.TextChoices):
    """The rule categories of spec S3.1.2 (RULES.md prefixes in brackets)."""

    ABSOLUTE = "absolute", _("Absolute terms")
    STATE = "state", _("State authority and symbols")
    MORALS = "morals", _("Public order and morals")
    MEDICAL = "medical", _("Medical and health claims")
    FALSE_CLAIM = "false_claim", _("False or misleading claims")
    SECTOR = "sector", _("Sector guarantees")
    DISCLOSURE = "disclosure", _("Ad disclosure and filing")
    PLATFORM = "platform", _("Platform activity rules")
    PERSONAL = "personal", _("Personal information")


class Severity(models.TextChoices):
    BLOCK = "block", _("Block")
    WARN = "warn", _("Warn")


class Detector(models.TextChoices):
    """Checks that are code rather than word lists; their rule rows stay data."""

    TERMS = "", _("Word list")
    PAID_WITHOUT_LABEL = "paid_without_label", _("Paid promotion without “广告” label")
    PAID_WITHOUT_FILING = "paid_without_filing", _("Paid promotion without a filing")
    PRIZE_ABOVE_CAP = "prize_above_cap", _("Lottery prize above the cap")
    LOTTERY_WITHOUT_DRAW_TIME = "lottery_without_draw_time", _("Lottery without draw time")
    MOBILE_NUMBER = "mobile_number", _("Mobile number")
    RESIDENT_ID = "resident_id", _("Resident ID number (GB 11643 checksum)")


class TermKind(models.TextChoices):
    """What a term of a rule is; patterns may name the rule's word lists as ``{name}``."""

    WORD = "word", _("Whole word")
    PREFIX = "prefix", _("Word prefix")
    REGEX = "regex", _("Pattern (regular expression)")
    POS = "pos", _("Word before a part of speech")
    LEXICON = "lexicon", _("Word list entry")
    EXEMPT = "exempt", _("Exempt phrase")
    EXEMPT_REGEX = "exempt_regex", _("Exempt pattern")
    EXEMPT_POS = "exempt_pos", _("Exempt word before a part of speech")


class RuleSet(models.Model):
    """A versioned set of content rules; every edit bumps ``version`` (S3.1.1)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("The checker runs the active rule set.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Rule(models.Model):
    """One content rule: what it flags, how severe, on which platforms, and why."""

    ruleset = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="rules", verbose_name=_("rule set")
    )
    code = models.CharField(_("code"), max_length=10)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    detector = models.CharField(
        _("detector"), max_length=40, choices=Detector.choices, blank=True, default=""
    )
    basis_zh = models.TextField(_("legal basis (Chinese)"))
    basis_en = models.TextField(_("legal basis (English)"))
    message_zh = models.CharField(_("message (Chinese)"), max_length=200)
    message_en = models.CharField(_("message (English)"), max_length=200)
    unless_pattern = models.CharField(
        _("unless the text matches"), max_length=300, blank=True,
        help_text=_("Regular expression; when the text matches it the rule does not fire."),
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    platforms = models.ManyToManyField(
        "platforms.Platform", blank=True, related_name="+", verbose_name=_("platforms"),
        help_text=_("Empty: applies on every platform and when no platform is given."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    history = HistoricalRecords(m2m_fields=[platforms])

    class Meta:
        ordering = ["ruleset", "code"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "code"], name="rule_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.message}"

    @property
    def message(self) -> str:
        return self.message_zh if (get_language() or "").startswith("zh") else self.message_en

    @property
    def basis(self) -> str:
        return self.basis_zh if (get_language() or "").startswith("zh") else self.basis_en


class Term(models.Model):
    """A word, prefix, pattern or exemption belonging to a rule."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="terms", verbose_name=_("rule"))
    text = models.CharField(_("text"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=TermKind.choices, default=TermKind.WORD)
    note = models.CharField(_("note"), max_length=200, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["rule", "kind", "text"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.UniqueConstraint(fields=["rule", "kind", "text"], name="term_unique_text")
        ]

    def __str__(self) -> str:
        return self.text


def filing_document_upload_to(instance: "FilingDocument", filename: str) -> str:
    return f"filings/{instance.filing_id or 'new'}/{filename}"


class PromotionFiling(models.Model):
    """A paid-promotion filing (备案) with a platform; paid content references one (S3.2.2)."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="promotion_filings",
        verbose_name=_("team"),
    )
    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.PROTECT, related_name="+", verbose_name=_("platform")
    )
    filing_number = models.CharField(_("filing / registration number"), max_length=80)
    contract_reference = models.CharField(_("contract reference"), max_length=120, blank=True)
    amount_cny = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("promotion filing")
        verbose_name_plural = _("promotion filings")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "platform", "filing_number"], name="filing_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="filing_dates_ordered",
                violation_error_message=_("The end date must not be before the start date."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount_cny__gte=0), name="filing_amount_positive",
                violation_error_message=_("Enter an amount of zero or more."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform} · {self.filing_number}"

    def covers(self, platform_code: str | None, on_date: datetime.date) -> bool:
        """Whether this filing is for ``platform_code`` and in force on ``on_date``."""
        return (
            (platform_code is None or self.platform.code == platform_code)
            and self.starts_on <= on_date <= self.ends_on
        )


class FilingDocument(models.Model):
    """A document on file for a filing (contract, platform receipt, ...)."""

    filing = models.ForeignKey(
        PromotionFiling, on_delete=models.CASCADE, related_name="documents", verbose_name=_("filing")
    )
    file = models.FileField(_("file"), upload_to=filing_document_upload_to)
    # The type the file's content was found to be on upload (teams.uploads); it is
    # served with exactly this type, as a download (teams.downloads).
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["filing", "-uploaded_at"]
        verbose_name = _("filing document")
        verbose_name_plural = _("filing documents")

    def __str__(self) -> str:
        return self.title or self.file.name


class ContentCheck(models.Model):
    """One stored run of the checker: the text, what it found and which rules ran.

    ``content`` is a generic reference so content items (a later campaigns
    feature) can point here without compliance importing campaigns.
    """

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="content_checks", verbose_name=_("team")
    )
    text = models.TextField(_("text"))
    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("platform"),
    )
    is_paid_promotion = models.BooleanField(_("paid promotion"), default=False)
    filing = models.ForeignKey(
        PromotionFiling, on_delete=models.SET_NULL, null=True, blank=True, related_name="checks",
        verbose_name=_("filing"),
    )
    ruleset = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, related_name="checks", verbose_name=_("rule set")
    )
    ruleset_version = models.PositiveIntegerField(_("rule set version"))
    findings = models.JSONField(_("findings"), default=list)
    exemptions = models.JSONField(_("exemptions"), default=list)
    passed = models.BooleanField(_("passed"), help_text=_("No blocking finding."))
    cleared = models.BooleanField(
        _("cleared"), help_text=_("Passed, or every blocking finding overridden by a reviewer.")
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("content type"),
    )
    content_id = models.CharField(_("content id"), max_length=64, blank=True)
    content = GenericForeignKey("content_type", "content_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("checked by"),
    )
    created_at = models.DateTimeField(_("checked at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("content check")
        verbose_name_plural = _("content checks")
        indexes = [models.Index(fields=["content_type", "content_id"], name="check_content_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.text[:30]}"


class FindingOverride(models.Model):
    """A reviewer's written decision to let one blocking finding pass (S3.1.1)."""

    check_run = models.ForeignKey(
        ContentCheck, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("check")
    )
    finding_index = models.PositiveIntegerField(_("finding number"))
    rule_code = models.CharField(_("rule"), max_length=10)
    match = models.CharField(_("match"), max_length=200, blank=True)
    reason = models.TextField(_("reason"))
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("overridden by"),
    )
    created_at = models.DateTimeField(_("overridden at"), auto_now_add=True)

    class Meta:
        ordering = ["check_run", "finding_index"]
        verbose_name = _("finding override")
        verbose_name_plural = _("finding overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["check_run", "finding_index"], name="override_unique_finding"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} @ #{self.check_run_id}"
