"""Teams, memberships and the audit trail: the ground every other record stands on."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..roles import Role

# Time zones a team may work in: the mainland's and those of the other
# markets teams sell to. Stored as IANA names; zoneinfo reads them from the
# tzdata package, so times are right even where the OS has no zone files.
TIME_ZONE_CHOICES = [
    ("Asia/Shanghai", _("China Standard Time (Beijing)")),
    ("Asia/Hong_Kong", _("Hong Kong")),
    ("Asia/Taipei", _("Taipei")),
    ("Asia/Singapore", _("Singapore")),
    ("Asia/Tokyo", _("Tokyo")),
    ("Europe/London", _("London")),
    ("Europe/Berlin", _("Central Europe")),
    ("America/New_York", _("US Eastern")),
    ("America/Los_Angeles", _("US Pacific")),
    ("UTC", _("UTC")),
]


def default_time_zone() -> str:
    return settings.TIME_ZONE


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    # Publishing times are entered and shown in the team's zone, stored aware.
    time_zone = models.CharField(
        _("time zone"), max_length=40, choices=TIME_ZONE_CHOICES, default=default_time_zone
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self):
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.time_zone)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    strengths = models.CharField(
        _("strengths"),
        max_length=200,
        blank=True,
        help_text=_("e.g. content creation, data analysis, promotion (S3.3.1)"),
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["team__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_unique_user_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team} ({self.get_role_display()})"


class AuditEvent(models.Model):
    """Who did what, when and why: one row per use case a service carried out."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("team"),
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    summary = models.CharField(_("summary"), max_length=300)
    reason = models.TextField(_("reason"), blank=True)
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("target type"),
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def message(self) -> str:
        """The summary in the reader's language, placeholders filled."""
        from django.utils.translation import gettext

        text = gettext(self.summary)
        try:
            return text % self.data if self.data else text
        except (KeyError, TypeError, ValueError):
            return text


class AnswerTag(models.Model):
    """A tag that changes whenever a cached answer about a team's data changes.

    Doors that cache rendered answers (``teams.answers``; the campaign list API)
    key them by the tags of the teams they show. Every write such an answer
    shows sets a new tag in its own transaction (``teams.services.answers``; the
    campaign planning signals). The token check reads a caller's tags with the
    caller (``teams.authentication``). A tag is random rather than counted, so a
    restored backup brings back the tags of the rows it restores and never meets
    an answer cached for other rows under the same tag. The team is a plain id,
    not a foreign key: the tag outlives nothing it could mislead.
    """

    team_id = models.BigIntegerField(_("team"), primary_key=True)
    value = models.BigIntegerField(_("tag"), default=0)

    class Meta:
        verbose_name = _("answer tag")
        verbose_name_plural = _("answer tags")

    def __str__(self) -> str:
        return f"{self.team_id}: {self.value}"
