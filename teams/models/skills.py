"""Division of labour (S3.3.1): skills and their assessed levels, role requirements, RACI."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..roles import Role
from .core import Membership, Team

LEVEL_MIN, LEVEL_MAX = 1, 5
_LEVEL_RANGE = Q(level__gte=LEVEL_MIN) & Q(level__lte=LEVEL_MAX)


class Skill(models.TextChoices):
    CONTENT_CREATION = "content_creation", _("Content creation")
    COPYWRITING = "copywriting", _("Copywriting")
    VIDEO = "video", _("Video production")
    DATA_ANALYSIS = "data_analysis", _("Data analysis")
    PROMOTION = "promotion", _("Promotion execution")
    COMMUNITY = "community", _("Community management")
    COMPLIANCE_REVIEW = "compliance_review", _("Compliance review")
    PLATFORM_RULES = "platform_rules", _("Platform rules")
    MARKETING_TOOLS = "marketing_tools", _("Marketing tools")


class SkillLevel(models.Model):
    """A member's current level in one skill: the latest assessment, kept for cheap reads."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="skill_levels",
        verbose_name=_("member"),
    )
    skill = models.CharField(_("skill"), max_length=30, choices=Skill.choices)
    level = models.PositiveSmallIntegerField(_("level"))
    assessed_at = models.DateTimeField(_("assessed at"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("assessed by"),
    )

    class Meta:
        ordering = ["membership", "skill"]
        verbose_name = _("skill level")
        verbose_name_plural = _("skill levels")
        constraints = [
            models.UniqueConstraint(fields=["membership", "skill"], name="skill_level_unique"),
            models.CheckConstraint(condition=_LEVEL_RANGE, name="skill_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_skill_display()} {self.level}"


class SkillAssessment(models.Model):
    """One assessment by a manager or after a training session: the history of a level."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="skill_assessments",
        verbose_name=_("member"),
    )
    skill = models.CharField(_("skill"), max_length=30, choices=Skill.choices)
    level = models.PositiveSmallIntegerField(_("level"))
    previous_level = models.PositiveSmallIntegerField(_("previous level"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    session = models.ForeignKey(
        "teams.TrainingSession", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assessments", verbose_name=_("training session"),
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("assessed by"),
    )
    assessed_at = models.DateTimeField(_("assessed at"), auto_now_add=True)

    class Meta:
        ordering = ["-assessed_at", "-id"]
        verbose_name = _("skill assessment")
        verbose_name_plural = _("skill assessments")
        constraints = [
            models.CheckConstraint(condition=_LEVEL_RANGE, name="skill_assessment_range"),
        ]
        indexes = [models.Index(fields=["membership", "skill", "-assessed_at"])]

    def __str__(self) -> str:
        return f"{self.get_skill_display()} {self.level}"


class RoleSkillRequirement(models.Model):
    """The level a role needs in a skill (S3.3.3 needs assessment)."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="skill_requirements", verbose_name=_("team")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    skill = models.CharField(_("skill"), max_length=30, choices=Skill.choices)
    level = models.PositiveSmallIntegerField(_("required level"))

    class Meta:
        ordering = ["team", "role", "skill"]
        verbose_name = _("skill requirement")
        verbose_name_plural = _("skill requirements")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "role", "skill"], name="skill_requirement_unique"
            ),
            models.CheckConstraint(condition=_LEVEL_RANGE, name="skill_requirement_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.get_skill_display()} ≥ {self.level}"


class WorkArea(models.TextChoices):
    CONTENT = "content", pgettext_lazy("work area", "Content")
    REVIEW = "review", pgettext_lazy("work area", "Review")
    PUBLISHING = "publishing", pgettext_lazy("work area", "Publishing")
    INTERACTION = "interaction", pgettext_lazy("work area", "Interaction")
    DATA = "data", pgettext_lazy("work area", "Data")
    BUDGET = "budget", pgettext_lazy("work area", "Budget")


class RaciRole(models.TextChoices):
    RESPONSIBLE = "responsible", _("Responsible")
    ACCOUNTABLE = "accountable", _("Accountable")
    CONSULTED = "consulted", _("Consulted")
    INFORMED = "informed", _("Informed")


RACI_LETTER = {
    RaciRole.RESPONSIBLE: "R", RaciRole.ACCOUNTABLE: "A",
    RaciRole.CONSULTED: "C", RaciRole.INFORMED: "I",
}

# The skill each work area mostly calls for: suggestions and duties use it.
AREA_SKILL = {
    WorkArea.CONTENT: Skill.CONTENT_CREATION,
    WorkArea.REVIEW: Skill.COMPLIANCE_REVIEW,
    WorkArea.PUBLISHING: Skill.PROMOTION,
    WorkArea.INTERACTION: Skill.COMMUNITY,
    WorkArea.DATA: Skill.DATA_ANALYSIS,
    WorkArea.BUDGET: Skill.PROMOTION,
}


class Responsibility(models.Model):
    """One cell of a campaign's RACI matrix: a member's part in one work area.

    The campaign lives on a higher floor, so it is referenced generically; the
    database holds the rule "one Accountable per area" whatever door writes.
    """

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="responsibilities", verbose_name=_("team")
    )
    campaign_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("campaign type")
    )
    campaign_id = models.CharField(_("campaign id"), max_length=64)
    campaign = GenericForeignKey("campaign_type", "campaign_id")
    area = models.CharField(_("work area"), max_length=20, choices=WorkArea.choices)
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="responsibilities",
        verbose_name=_("member"),
    )
    role = models.CharField(_("RACI role"), max_length=20, choices=RaciRole.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now=True)

    class Meta:
        ordering = ["campaign_type", "campaign_id", "area", "role", "id"]
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_type", "campaign_id", "area", "membership"],
                name="responsibility_one_role_per_member",
            ),
            models.UniqueConstraint(
                fields=["campaign_type", "campaign_id", "area"],
                condition=Q(role="accountable"),
                name="responsibility_one_accountable_per_area",
            ),
        ]
        indexes = [models.Index(fields=["campaign_type", "campaign_id"])]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {RACI_LETTER.get(self.role, '?')}"

    @property
    def letter(self) -> str:
        return RACI_LETTER.get(self.role, "?")
