"""Skills, duties and gaps as people read them (S3.3.1, S3.3.3 needs assessment)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Prefetch, QuerySet

from ..hooks import campaign_directory
from ..models import (
    Membership,
    RaciRole,
    Responsibility,
    RoleSkillRequirement,
    Skill,
    SkillAssessment,
    SkillLevel,
    Team,
    WorkArea,
)
from .access import User, scope_to_user_teams


def memberships_visible_to(user: User) -> QuerySet[Membership]:
    """Members of the teams the user sees, with user and team joined."""
    return scope_to_user_teams(Membership.objects.select_related("user", "team"), user)


def membership_get(user: User, pk: int) -> Membership:
    """One member of a visible team (DoesNotExist otherwise: a 404 upstream)."""
    return memberships_visible_to(user).get(pk=pk)


def team_members_with_skills(team: Team) -> QuerySet[Membership]:
    """The team's members with their current levels; two queries whatever the size."""
    return (
        team.memberships.select_related("user")
        .prefetch_related(Prefetch("skill_levels", queryset=SkillLevel.objects.order_by("skill")))
        .order_by("user__username")
    )


def levels_by_skill(membership: Membership) -> dict[str, int]:
    """skill -> current level, from prefetched levels when present."""
    return {level.skill: level.level for level in membership.skill_levels.all()}


def assessment_history(membership: Membership, limit: int = 50) -> QuerySet[SkillAssessment]:
    return membership.skill_assessments.select_related("assessed_by", "session").order_by(
        "-assessed_at", "-id"
    )[:limit]


def duties_of(membership: Membership) -> list[Responsibility]:
    """The member's RACI cells across campaigns, with each campaign loaded."""
    return list(
        membership.responsibilities.select_related("campaign_type")
        .prefetch_related("campaign").order_by("campaign_id", "area")
    )


# --- RACI -------------------------------------------------------------------------------


def campaigns_for_raci(user: User) -> list[models.Model]:
    """The campaigns whose RACI the user may read (empty when campaigns are not connected)."""
    directory = campaign_directory()
    if directory is None:
        return []
    return list(directory.visible_to(user))


def campaign_get(user: User, pk: int) -> models.Model:
    """One campaign the user sees; ``ObjectDoesNotExist`` otherwise (a 404 upstream)."""
    directory = campaign_directory()
    if directory is None:
        raise Responsibility.DoesNotExist
    return directory.visible_to(user).get(pk=pk)


def campaign_team_of(campaign: models.Model) -> Team:
    directory = campaign_directory()
    assert directory is not None  # a campaign exists, so the directory is registered
    return getattr(campaign, directory.team_field)


def raci_matrix(campaign: models.Model) -> dict[str, dict[int, str]]:
    """work area -> {membership id: RACI role} for one campaign."""
    rows = Responsibility.objects.filter(
        campaign_type=ContentType.objects.get_for_model(campaign), campaign_id=str(campaign.pk)
    ).values_list("area", "membership_id", "role")
    matrix: dict[str, dict[int, str]] = {area: {} for area in WorkArea.values}
    for area, membership_id, role in rows:
        matrix.setdefault(area, {})[membership_id] = role
    return matrix


def raci_missing_accountable(matrix: dict[str, dict[int, str]]) -> list[str]:
    """Work areas nobody is accountable for yet."""
    return [
        area for area in WorkArea.values
        if RaciRole.ACCOUNTABLE not in matrix.get(area, {}).values()
    ]


# --- needs assessment and coverage (S3.3.3) -------------------------------------------


@dataclass(frozen=True)
class Gap:
    membership: Membership
    skill: str
    required: int
    current: int  # 0: never assessed

    @property
    def skill_label(self) -> str:
        return str(Skill(self.skill).label)

    @property
    def missing(self) -> int:
        return self.required - self.current


def skill_gaps(team: Team) -> list[Gap]:
    """Every member whose assessed level is below what their role requires, per skill.

    Three queries whatever the size of the team.
    """
    required: dict[str, dict[str, int]] = {}
    for req in RoleSkillRequirement.objects.filter(team=team):
        required.setdefault(req.role, {})[req.skill] = req.level
    gaps = []
    for membership in team_members_with_skills(team):
        levels = levels_by_skill(membership)
        for skill, level in sorted(required.get(membership.role, {}).items()):
            current = levels.get(skill, 0)
            if current < level:
                gaps.append(Gap(membership, skill, level, current))
    return gaps


@dataclass
class CoverageRow:
    role: str
    skill: str
    required: int
    covered: list[Membership] = field(default_factory=list)
    lacking: list[Gap] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        from ..roles import Role

        return str(Role(self.role).label)

    @property
    def skill_label(self) -> str:
        return str(Skill(self.skill).label)


def skill_coverage(team: Team) -> list[CoverageRow]:
    """Per required (role, skill): who meets it and who still lacks it."""
    rows = {
        (req.role, req.skill): CoverageRow(req.role, req.skill, req.level)
        for req in RoleSkillRequirement.objects.filter(team=team).order_by("role", "skill")
    }
    for membership in team_members_with_skills(team):
        levels = levels_by_skill(membership)
        for (role, skill), row in rows.items():
            if membership.role != role:
                continue
            current = levels.get(skill, 0)
            if current >= row.required:
                row.covered.append(membership)
            else:
                row.lacking.append(Gap(membership, skill, row.required, current))
    return list(rows.values())


def requirements_of(team: Team) -> QuerySet[RoleSkillRequirement]:
    return RoleSkillRequirement.objects.filter(team=team).order_by("role", "skill")
