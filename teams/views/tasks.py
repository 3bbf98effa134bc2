"""Task pages: my tasks, the team board (drag to move), a task with its comments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import selectors
from ..doors import apply_validation_error, get_or_404
from ..forms import AssignForm, CommentForm, TaskForm
from ..models import Skill, TaskPriority, TaskStatus
from ..selectors import tasks as task_selectors
from ..selectors import user_can
from ..services import tasks as task_services
from ._common import error_message, is_htmx, pick_team


def my_tasks(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", TaskStatus.OPEN)
    if show not in TaskStatus.values and show != "all":
        show = TaskStatus.OPEN
    tasks = selectors.tasks_for_owner(request.user, status=None if show == "all" else show)
    return render(
        request,
        "teams/my_tasks.html",
        {"tasks": tasks, "show": show, "statuses": TaskStatus.choices},
    )


@require_POST
def task_set_status(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_or_404(selectors.task_get_for_user, request.user, pk)
    try:
        task_services.task_set_status(
            actor=request.user, task=task, status=request.POST.get("status", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        error_message(request, exc)
    else:
        messages.success(request, _("Task updated."))
    if is_htmx(request):
        return render(request, "teams/_task_row.html", {"task": task})
    return redirect("teams:my_tasks")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _filters(request: HttpRequest) -> task_selectors.BoardFilters:
    data = request.POST if request.method == "POST" else request.GET
    priority = data.get("priority", "")
    return task_selectors.BoardFilters(
        campaign=_int(data.get("campaign")), owner=_int(data.get("owner")),
        source_type=_int(data.get("source")),
        priority=priority if priority in TaskPriority.values else "",
    )


def _board_context(request: HttpRequest, team, filters) -> dict:
    tasks = list(task_selectors.board_tasks(request.user, team, filters))
    return {
        "team": team, "filters": filters,
        "columns": task_selectors.board_columns(tasks),
        "can_manage": user_can(request.user, team, "team.manage"),
    }


def board(request: HttpRequest, form: TaskForm | None = None, status: int = 200) -> HttpResponse:
    """The team's tasks by column, filtered by campaign, owner, source and priority."""
    team, teams = pick_team(request)
    if team is None:
        return render(request, "teams/board.html", {"teams": teams, "team": None})
    filters = _filters(request)
    context = _board_context(request, team, filters)
    can_assign = user_can(request.user, team, "task.assign")
    context |= {
        "teams": teams,
        "members": list(task_selectors.team_members(team)),
        "campaigns": task_selectors.board_campaigns(request.user, team),
        "source_types": task_selectors.board_source_types(team),
        "priorities": TaskPriority.choices,
        "skills": Skill.choices,
        "can_assign": can_assign,
        "form": form or TaskForm(team=team, initial={"owner": request.user.pk}),
    }
    return render(request, "teams/board.html", context, status=status)


@require_POST
def task_new(request: HttpRequest) -> HttpResponse:
    team, _teams = pick_team(request)
    if team is None:
        raise PermissionDenied
    form = TaskForm(request.POST, team=team)
    if form.is_valid():
        try:
            task_services.task_add(actor=request.user, team=team, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Task created."))
            return redirect(f"{reverse('teams:board')}?team={team.pk}")
    request.GET = request.GET.copy()
    request.GET["team"] = str(team.pk)
    return board(request, form=form, status=400)


@require_GET
def task_suggest(request: HttpRequest) -> HttpResponse:
    """Who should take a task needing ``?skill=``: strongest with least load, reasons shown."""
    team, _teams = pick_team(request)
    skill = request.GET.get("skill", "")
    suggestions = (
        task_selectors.suggest_owners(team, skill=skill if skill in Skill.values else "")
        if team is not None else []
    )
    return render(request, "teams/_suggestions.html", {"suggestions": suggestions})


@require_POST
def task_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a card (drag and drop, or its buttons); answers with the board's columns."""
    task = get_or_404(task_selectors.task_get, request.user, pk)
    status = 200
    error = ""
    try:
        task_services.task_move(actor=request.user, task=task, column=request.POST.get("column", ""))
    except (ValidationError, PermissionDenied) as exc:
        status = 400 if isinstance(exc, ValidationError) else 403
        error = " ".join(getattr(exc, "messages", None) or [str(exc)])
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect(f"{reverse('teams:board')}?team={task.team_id}")
    context = _board_context(request, task.team, _filters(request)) | {"error": error}
    return render(request, "teams/_board_columns.html", context, status=status)


def task_detail(request: HttpRequest, pk: int, comment_form=None, assign_form=None,
                status: int = 200) -> HttpResponse:
    task = get_or_404(task_selectors.task_get, request.user, pk)
    return render(request, "teams/task_detail.html", {
        "task": task,
        "comments": task_selectors.comments_of(task),
        "history": selectors.audit_events_for(task, limit=30),
        "comment_form": comment_form or CommentForm(),
        "assign_form": assign_form or AssignForm(team=task.team, initial={"owner": task.owner_id}),
        "can_work": task.owner_id == request.user.pk
        or user_can(request.user, task.team_id, "team.manage"),
        "can_assign": user_can(request.user, task.team_id, "task.assign"),
        "priorities": TaskPriority.choices,
    }, status=status)


@require_POST
def task_comment(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_or_404(task_selectors.task_get, request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            task_services.task_comment_add(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if is_htmx(request):
                return render(request, "teams/_comments.html", {
                    "comments": task_selectors.comments_of(task), "comment_form": CommentForm(),
                    "task": task,
                })
            return redirect(task.get_absolute_url())
    if is_htmx(request):
        # htmx swaps only 2xx answers; the form comes back with its error in place.
        return render(request, "teams/_comments.html", {
            "comments": task_selectors.comments_of(task), "comment_form": form, "task": task,
        })
    return task_detail(request, pk, comment_form=form, status=400)


@require_POST
def task_assign(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_or_404(task_selectors.task_get, request.user, pk)
    form = AssignForm(request.POST, team=task.team)
    if form.is_valid():
        try:
            task_services.task_assign(actor=request.user, task=task, owner=form.cleaned_data["owner"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Task handed over."))
            return redirect(task.get_absolute_url())
    return task_detail(request, pk, assign_form=form, status=400)


@require_POST
def task_priority(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_or_404(task_selectors.task_get, request.user, pk)
    try:
        task_services.task_set_priority(
            actor=request.user, task=task, priority=request.POST.get("priority", "")
        )
    except ValidationError as exc:
        error_message(request, exc)
    return redirect(task.get_absolute_url())


def team_list(request: HttpRequest) -> HttpResponse:
    teams = selectors.teams_visible_to(request.user).prefetch_related("memberships__user")
    return render(request, "teams/team_list.html", {"teams": teams})
