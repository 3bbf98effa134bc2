"""Privacy ledger: consent, data-subject requests, retention (spec S3.1.3, PIPL)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

__all__ = [
    "ConsentRecord",
    "DataCategory",
    "DataSubjectRequest",
    "DSRKind",
    "DSRStatus",
    "LegalBasis",
    "RetentionAction",
    "RetentionPolicy",
    "RetentionRun",
]


class DataCategory(models.TextChoices):
    CONTACT = "contact", _("Contact details")
    IDENTITY = "identity", _("Identity documents")
    BEHAVIOUR = "behaviour", _("Behaviour and interactions")
    MARKETING = "marketing", _("Marketing preferences")
    LOCATION = "location", _("Location")
    SENSITIVE = "sensitive", _("Sensitive personal information")


class LegalBasis(models.TextChoices):
    # PIPL Art. 13
    CONSENT = "consent", _("Consent")
    CONTRACT = "contract", _("Necessary for a contract")
    HR = "hr", _("Human-resources management")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal duty or obligation")
    VITAL_INTEREST = "vital_interest", _("Public health or safety emergency")
    NEWS = "news", _("News reporting in the public interest")
    PUBLISHED = "published", _("Information already lawfully published")
    OTHER_LAW = "other_law", _("Other cases provided by law")


class ConsentRecord(models.Model):
    """Consent of one person for one purpose (PIPL Arts. 13-17, 23, 29, 31, 39)."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="+", verbose_name=_("team"),
    )
    subject_ref = models.CharField(_("data subject identifier"), max_length=120, db_index=True)
    subject_name = models.CharField(_("name"), max_length=120, blank=True)
    subject_phone = models.CharField(_("phone"), max_length=32, blank=True)
    subject_id_number = models.CharField(_("ID number"), max_length=32, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    data_categories = models.JSONField(_("data categories"), default=list)
    legal_basis = models.CharField(
        _("legal basis"), max_length=30, choices=LegalBasis.choices, default=LegalBasis.CONSENT,
    )
    notice_version = models.CharField(_("notice version shown"), max_length=60)
    channel = models.CharField(_("channel"), max_length=60)
    consented_at = models.DateTimeField(_("consented at"))
    sensitive_consent = models.BooleanField(_("separate consent: sensitive data"), default=False)
    sharing_consent = models.BooleanField(_("separate consent: sharing"), default=False)
    cross_border_consent = models.BooleanField(
        _("separate consent: cross-border"), default=False,
    )
    guardian_consent = models.BooleanField(
        _("guardian consent (under 14)"), default=False,
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_channel = models.CharField(_("withdrawal channel"), max_length=60, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(
        table_name="compliance_historicalconsentrecord",
        excluded_fields=["subject_name", "subject_phone", "subject_id_number"],
    )

    class Meta:
        db_table = "compliance_consentrecord"
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-consented_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject_ref}: {self.purpose}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    def get_data_categories_display(self) -> list[str]:
        """The data categories' labels in the reader's language (unknown codes as stored)."""
        labels = dict(DataCategory.choices)
        return [str(labels.get(code, code)) for code in self.data_categories or []]


class DSRKind(models.TextChoices):
    ACCESS = "access", _("Access or copy")
    CORRECTION = "correction", _("Correction")
    DELETION = "deletion", _("Deletion")


class DSRStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")


class DataSubjectRequest(models.Model):
    """A person's request to see, correct or delete their data (PIPL Arts. 44-47)."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="+", verbose_name=_("team"),
    )
    subject_ref = models.CharField(_("data subject identifier"), max_length=120, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DSRKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=DSRStatus.choices, default=DSRStatus.RECEIVED,
    )
    details = models.TextField(_("details"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    due_date = models.DateField(_("due date"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("handled by"),
    )
    history = HistoricalRecords(table_name="compliance_historicaldatasubjectrequest")

    class Meta:
        db_table = "compliance_datasubjectrequest"
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject_ref}"


class RetentionAction(models.TextChoices):
    ANONYMISE = "anonymise", _("Anonymise")
    DELETE = "delete", _("Delete")


class RetentionPolicy(models.Model):
    """How long personal data of one category is kept (PIPL Arts. 19, 47)."""

    data_category = models.CharField(
        _("data category"), max_length=20, choices=DataCategory.choices, unique=True,
    )
    retention_days = models.PositiveIntegerField(_("keep for (days)"))
    action = models.CharField(
        _("action at expiry"), max_length=20, choices=RetentionAction.choices,
        default=RetentionAction.ANONYMISE,
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "compliance_retentionpolicy"
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")
        ordering = ["data_category"]

    def __str__(self) -> str:
        return f"{self.get_data_category_display()}: {self.retention_days}"


class RetentionRun(models.Model):
    """What one enforcement run deleted or anonymised."""

    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    anonymised_count = models.PositiveIntegerField(_("anonymised"), default=0)
    deleted_count = models.PositiveIntegerField(_("deleted"), default=0)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        db_table = "compliance_retentionrun"
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"
