"""Division of labour (S3.3.1): skill assessments, role requirements, campaign RACI."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..hooks import campaign_directory
from ..models import (
    LEVEL_MAX,
    LEVEL_MIN,
    Membership,
    RaciRole,
    Responsibility,
    RoleSkillRequirement,
    Skill,
    SkillAssessment,
    SkillLevel,
    Team,
    TrainingSession,
    WorkArea,
)
from ..roles import Role
from ..selectors import user_can
from .audit import audit_record


def clean_level(value: Any, field: str = "level") -> int:
    """A skill level 1–5, or a translated ``ValidationError`` on ``field``."""
    level = None
    if isinstance(value, int) and not isinstance(value, bool):
        level = value
    elif isinstance(value, str) and value.strip().isdigit():
        level = int(value.strip())
    if level is None or not LEVEL_MIN <= level <= LEVEL_MAX:
        raise ValidationError({field: _(
            "A skill level is a whole number from %(min)s to %(max)s."
        ) % {"min": LEVEL_MIN, "max": LEVEL_MAX}})
    return level


def _clean_skill(skill: str) -> str:
    if skill not in Skill.values:
        raise ValidationError({"skill": _("Unknown skill.")})
    return skill


def _require_manage(actor: User | None, team: Team | int) -> None:
    if actor is not None and not user_can(actor, team, "team.manage"):
        raise PermissionDenied(_("Only managers and administrators may do this."))


def assessment_record(
    *,
    assessed_by: User | None,
    membership: Membership,
    skill: str,
    level: Any,
    note: str = "",
    session: TrainingSession | None = None,
) -> SkillAssessment:
    """Write an assessment and the member's current level, without a permission check.

    For services that checked who may assess (``skill_assess``, training's
    attendance record); always inside their transaction.
    """
    skill = _clean_skill(skill)
    level = clean_level(level)
    now = timezone.now()
    current = SkillLevel.objects.select_for_update().filter(
        membership=membership, skill=skill
    ).first()
    assessment = SkillAssessment.objects.create(
        membership=membership, skill=skill, level=level,
        previous_level=current.level if current else None, note=note[:300], session=session,
        assessed_by=assessed_by,
    )
    SkillLevel.objects.update_or_create(
        membership=membership, skill=skill,
        defaults={"level": level, "assessed_at": now, "assessed_by": assessed_by},
    )
    audit_record(
        actor=assessed_by, action="skill.assess", target=membership, team=membership.team,
        summary=gettext_noop("%(user)s assessed at level %(level)s in %(skill)s"),
        data={"user": membership.user.get_username(), "level": level, "skill": skill},
    )
    return assessment


def skill_assess(
    *,
    actor: User,
    membership: Membership,
    skill: str,
    level: Any,
    note: str = "",
) -> SkillAssessment:
    """A manager assesses a member's level (1–5) in a skill; the history keeps every one."""
    _require_manage(actor, membership.team_id)
    with transaction.atomic():
        return assessment_record(
            assessed_by=actor, membership=membership, skill=skill, level=level, note=note
        )


def requirement_set(
    *, actor: User, team: Team, role: str, skill: str, level: Any | None
) -> RoleSkillRequirement | None:
    """Set the level a role needs in a skill; ``None`` removes the requirement."""
    _require_manage(actor, team)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    skill = _clean_skill(skill)
    with transaction.atomic():
        if level in (None, ""):
            RoleSkillRequirement.objects.filter(team=team, role=role, skill=skill).delete()
            requirement = None
        else:
            requirement, _created = RoleSkillRequirement.objects.update_or_create(
                team=team, role=role, skill=skill, defaults={"level": clean_level(level)}
            )
        audit_record(
            actor=actor, action="skill.requirement", team=team,
            summary=gettext_noop("%(role)s needs %(skill)s at level %(level)s"),
            data={"role": role, "skill": skill, "level": level or "-"},
        )
    return requirement


def campaign_team(campaign: models.Model) -> Team:
    """The team a campaign belongs to, through the registered campaign directory."""
    directory = campaign_directory()
    if directory is None or not isinstance(campaign, directory.model):
        raise ValidationError({"campaign": _("Campaigns are not connected to teams.")})
    return getattr(campaign, directory.team_field)


def raci_set(
    *,
    actor: User,
    campaign: models.Model,
    matrix: Mapping[str, Mapping[int, str]],
) -> list[Responsibility]:
    """Replace the campaign's RACI matrix: work area -> {membership id: RACI role}.

    Every area someone is assigned to has exactly one Accountable; members
    come from the campaign's team. A refused matrix changes nothing and says
    which area is wrong, under that area's key.
    """
    team = campaign_team(campaign)
    team_id = team.pk
    _require_manage(actor, team_id)
    members = {
        m.pk: m for m in Membership.objects.filter(team_id=team_id).select_related("user")
    }
    errors: dict[str, list[str]] = {}
    rows: list[tuple[str, Membership, str]] = []
    for area, cells in matrix.items():
        if area not in WorkArea.values:
            raise ValidationError({"area": _("Unknown work area.")})
        label = WorkArea(area).label
        accountable = []
        for membership_id, role in cells.items():
            if not role:
                continue
            if role not in RaciRole.values:
                errors.setdefault(area, []).append(_("Unknown RACI role."))
                continue
            membership = members.get(int(membership_id))
            if membership is None:
                errors.setdefault(area, []).append(
                    _("Only members of the campaign's team can take a part in it.")
                )
                continue
            rows.append((area, membership, role))
            if role == RaciRole.ACCOUNTABLE:
                accountable.append(membership.user.get_username())
        assigned = any(role for role in cells.values())
        if len(accountable) > 1:
            errors.setdefault(area, []).append(_(
                "%(area)s can have only one Accountable, not %(count)s (%(names)s)."
            ) % {"area": label, "count": len(accountable), "names": ", ".join(accountable)})
        elif assigned and not accountable:
            errors.setdefault(area, []).append(
                _("%(area)s needs exactly one Accountable.") % {"area": label}
            )
    if errors:
        raise ValidationError(errors)
    content_type = ContentType.objects.get_for_model(campaign)
    with transaction.atomic():
        Responsibility.objects.filter(
            campaign_type=content_type, campaign_id=str(campaign.pk), area__in=list(matrix)
        ).delete()
        created = Responsibility.objects.bulk_create([
            Responsibility(
                team_id=team_id, campaign_type=content_type, campaign_id=str(campaign.pk),
                area=area, membership=membership, role=role, assigned_by=actor,
            )
            for area, membership, role in rows
        ])
        audit_record(
            actor=actor, action="raci.set", target=campaign, team=team,
            summary=gettext_noop("Responsibilities (RACI) updated for %(campaign)s"),
            data={"campaign": str(campaign)},
        )
    return created


def responsibility_set(
    *,
    actor: User,
    campaign: models.Model,
    membership: Membership,
    area: str,
    role: str,
) -> list[Responsibility]:
    """Change one cell of the RACI matrix ("" removes it), under the matrix's rules."""
    content_type = ContentType.objects.get_for_model(campaign)
    current = dict(
        Responsibility.objects.filter(
            campaign_type=content_type, campaign_id=str(campaign.pk), area=area
        ).values_list("membership_id", "role")
    )
    current[membership.pk] = role
    return raci_set(actor=actor, campaign=campaign, matrix={area: current})
