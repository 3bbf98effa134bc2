"""Division of labour pages (S3.3.1): skills and gaps, a member's page, campaign RACI."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..doors import apply_validation_error, get_or_404
from ..forms import AssessmentForm, RequirementForm
from ..models import RACI_LETTER, RaciRole, Skill, TaskStatus, WorkArea
from ..selectors import skills as skill_selectors
from ..selectors import tasks as task_selectors
from ..selectors import user_can
from ..services import skills as skill_services
from ._common import pick_team


def skills(request: HttpRequest, requirement_form=None, status: int = 200) -> HttpResponse:
    """The team's skill matrix, what each role requires, and who falls short (S3.3.3)."""
    team, teams = pick_team(request)
    if team is None:
        return render(request, "teams/skills.html", {"team": None, "teams": teams})
    members = list(skill_selectors.team_members_with_skills(team))
    loads = task_selectors.open_load(team)
    rows = [
        {
            "membership": m,
            "levels": [skill_selectors.levels_by_skill(m).get(s, 0) for s in Skill.values],
            "load": loads.get(m.user_id, task_selectors.Load()),
        }
        for m in members
    ]
    return render(request, "teams/skills.html", {
        "team": team, "teams": teams, "skills": Skill.choices, "rows": rows,
        "requirements": skill_selectors.requirements_of(team),
        "gaps": skill_selectors.skill_gaps(team),
        "can_manage": user_can(request.user, team, "team.manage"),
        "requirement_form": requirement_form or RequirementForm(),
    }, status=status)


@require_POST
def requirement_set(request: HttpRequest) -> HttpResponse:
    team, _teams = pick_team(request)
    if team is None:
        raise PermissionDenied
    form = RequirementForm(request.POST)
    if form.is_valid():
        try:
            skill_services.requirement_set(actor=request.user, team=team, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Requirement saved."))
            return redirect(f"{reverse('teams:skills')}?team={team.pk}")
    request.GET = request.GET.copy()
    request.GET["team"] = str(team.pk)
    return skills(request, requirement_form=form, status=400)


def member_detail(request: HttpRequest, pk: int, form=None, status: int = 200) -> HttpResponse:
    """A member's page: skills with their history, duties (RACI), open tasks and load."""
    membership = get_or_404(skill_selectors.membership_get, request.user, pk)
    levels = skill_selectors.levels_by_skill(membership)
    open_tasks = list(
        task_selectors.tasks_visible_to(request.user)
        .filter(team=membership.team, owner=membership.user, status=TaskStatus.OPEN)
        .prefetch_related("source")
        .order_by("due_date", "id")
    )
    load = task_selectors.open_load(membership.team).get(membership.user_id, task_selectors.Load())
    return render(request, "teams/member_detail.html", {
        "membership": membership,
        "skill_rows": [(value, label, levels.get(value, 0)) for value, label in Skill.choices],
        "history": skill_selectors.assessment_history(membership),
        "duties": skill_selectors.duties_of(membership),
        "open_tasks": open_tasks, "load": load,
        "can_manage": user_can(request.user, membership.team, "team.manage"),
        "form": form or AssessmentForm(),
    }, status=status)


@require_POST
def member_assess(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_or_404(skill_selectors.membership_get, request.user, pk)
    form = AssessmentForm(request.POST)
    if form.is_valid():
        try:
            skill_services.skill_assess(actor=request.user, membership=membership,
                                        **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Assessment recorded."))
            return redirect("teams:member_detail", pk=pk)
    return member_detail(request, pk, form=form, status=400)


def raci(request: HttpRequest) -> HttpResponse:
    """Pick a campaign to see or set its RACI matrix."""
    campaigns = skill_selectors.campaigns_for_raci(request.user)
    return render(request, "teams/raci_list.html", {"campaigns": campaigns})


def raci_campaign(request: HttpRequest, campaign: int) -> HttpResponse:
    """One campaign's matrix: members × work areas, one Accountable per area."""
    obj = get_or_404(skill_selectors.campaign_get, request.user, campaign)
    team = skill_selectors.campaign_team_of(obj)
    members = list(task_selectors.team_members(team))
    can_manage = user_can(request.user, team, "team.manage")
    matrix = skill_selectors.raci_matrix(obj)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        matrix = {
            area: {m.pk: request.POST.get(f"cell-{area}-{m.pk}", "") for m in members}
            for area in WorkArea.values
        }
        try:
            skill_services.raci_set(actor=request.user, campaign=obj, matrix=matrix)
        except ValidationError as exc:
            errors = exc.message_dict
            status = 400
        else:
            messages.success(request, _("Responsibilities saved."))
            return redirect("teams:raci_campaign", campaign=obj.pk)
    rows = [
        {
            "value": area, "label": label, "errors": errors.get(area, []),
            "cells": [(m, matrix.get(area, {}).get(m.pk, "")) for m in members],
        }
        for area, label in WorkArea.choices
    ]
    return render(request, "teams/raci_campaign.html", {
        "campaign": obj, "team": team, "members": members, "rows": rows,
        "roles": [(value, RACI_LETTER[value], label) for value, label in RaciRole.choices],
        "missing": [WorkArea(a).label for a in skill_selectors.raci_missing_accountable(matrix)],
        "can_manage": can_manage, "other_errors": errors.get("__all__", []),
    }, status=status)
