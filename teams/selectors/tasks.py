"""Tasks as people read them: mine, my team's board, filters, load and who should take one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, CharField, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext

from ..hooks import campaign_directory
from ..models import (
    PRIORITY_RANK,
    BoardColumn,
    Membership,
    Skill,
    SkillLevel,
    Task,
    TaskComment,
    TaskPriority,
    TaskStatus,
    Team,
)
from .access import User, scope_to_user_teams, user_can


def _priority_rank() -> Case:
    return Case(
        *[When(priority=value, then=Value(rank)) for value, rank in PRIORITY_RANK.items()],
        default=Value(9), output_field=IntegerField(),
    )


def tasks_for_owner(user: User, *, status: str | None = TaskStatus.OPEN) -> QuerySet[Task]:
    """The user's own tasks, oldest due first, with what the page shows preloaded."""
    qs = (
        Task.objects.filter(owner_id=user.pk)
        .select_related("team", "source_type")
        .prefetch_related("source")
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(models.F("due_date").asc(nulls_last=True), "id")


def task_get_for_user(user: User, task_id: int) -> Task:
    """A task the user may act on: their own, or any in a team they lead."""
    qs = scope_to_user_teams(Task.objects.select_related("team"), user)
    task = qs.get(pk=task_id)
    if task.owner_id != user.pk and not user_can(user, task.team, "team.manage"):
        raise Task.DoesNotExist
    return task


def tasks_visible_to(user: User) -> QuerySet[Task]:
    """Tasks of every team the user sees: everyone reads their team's work."""
    return scope_to_user_teams(
        Task.objects.select_related("team", "owner", "source_type"), user
    )


def task_get(user: User, task_id: int) -> Task:
    """One task of a visible team (DoesNotExist otherwise: a 404 upstream)."""
    return tasks_visible_to(user).get(pk=task_id)


def comments_of(task: Task) -> QuerySet[TaskComment]:
    return task.comments.select_related("author").order_by("created_at", "id")


def campaign_filter(campaign_id: int | str) -> Q:
    """Tasks whose source belongs to the campaign, through the registered directory.

    One subquery per source model the campaign app registered; no query here.
    Without a directory nothing matches, rather than everything.
    """
    directory = campaign_directory()
    condition = Q(pk__in=[])
    if directory is None:
        return condition
    for model, path in directory.source_paths.items():
        ids = (
            model._default_manager.filter(**{path: campaign_id})
            .annotate(_source_id=Cast("pk", CharField()))
            .values("_source_id")
        )
        condition |= Q(source_type=ContentType.objects.get_for_model(model), source_id__in=ids)
    return condition


@dataclass(frozen=True)
class BoardFilters:
    campaign: int | None = None
    owner: int | None = None
    source_type: int | None = None
    priority: str = ""


def board_tasks(user: User, team: Team, filters: BoardFilters | None = None) -> QuerySet[Task]:
    """The team's open tasks and those finished in the last two weeks, urgent first.

    A fixed number of queries whatever the number of tasks: owners, teams and
    source types are joined, sources are prefetched per source model.
    """
    filters = filters or BoardFilters()
    recent = timezone.now() - datetime.timedelta(days=14)
    qs = (
        tasks_visible_to(user)
        .filter(team=team)
        .filter(Q(status=TaskStatus.OPEN) | Q(status=TaskStatus.DONE, completed_at__gte=recent))
        .annotate(priority_rank=_priority_rank(), comment_count=Count("comments"))
        .prefetch_related("source")
    )
    if filters.campaign:
        qs = qs.filter(campaign_filter(filters.campaign))
    if filters.owner:
        qs = qs.filter(owner_id=filters.owner)
    if filters.source_type:
        qs = qs.filter(source_type_id=filters.source_type)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    return qs.order_by(
        "priority_rank", models.F("due_date").asc(nulls_last=True), "id"
    )


def board_columns(tasks: QuerySet[Task] | list[Task]) -> list[tuple[str, str | Promise, list[Task]]]:
    """(column value, label, tasks) for each board column, in board order."""
    columns: dict[str, list[Task]] = {value: [] for value in BoardColumn.values}
    for task in tasks:
        if task.column in columns:
            columns[task.column].append(task)
    return [(value, label, columns[value]) for value, label in BoardColumn.choices]


def board_source_types(team: Team) -> list[ContentType]:
    """The kinds of record the team's tasks come from, for the board's source filter."""
    ids = (
        Task.objects.filter(team=team, source_type__isnull=False)
        .values_list("source_type_id", flat=True).distinct()
    )
    return sorted(ContentType.objects.filter(pk__in=ids), key=lambda ct: str(ct.name))


def board_campaigns(user: User, team: Team) -> list[models.Model]:
    """The team's campaigns the user sees, for the board's campaign filter."""
    directory = campaign_directory()
    if directory is None:
        return []
    return list(directory.visible_to(user).filter(**{directory.team_field: team}))


def team_members(team: Team) -> QuerySet[Membership]:
    return team.memberships.select_related("user").order_by("user__username")


@dataclass(frozen=True)
class Load:
    open: int = 0
    overdue: int = 0
    due_this_week: int = 0


def open_load(team: Team | int) -> dict[int, Load]:
    """user id -> how many open tasks they hold in the team, and how many are late."""
    today = timezone.localdate()
    week_end = today + datetime.timedelta(days=7)
    rows = (
        Task.objects.filter(team=team, status=TaskStatus.OPEN)
        .values("owner_id")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_date__lt=today)),
            week=Count("pk", filter=Q(due_date__gte=today, due_date__lte=week_end)),
        )
    )
    return {r["owner_id"]: Load(r["open"], r["overdue"], r["week"]) for r in rows}


@dataclass(frozen=True)
class Suggestion:
    membership: Membership
    level: int
    load: Load
    reason: str


def suggest_owners(team: Team, *, skill: str = "", limit: int = 3) -> list[Suggestion]:
    """Who should take a task: the strongest in ``skill`` with the least open work.

    Score = level × 2 − open tasks − overdue tasks, so one level is worth two
    open tasks; ties go to the lighter load. Without a skill, the lightest
    load wins. Each suggestion carries its reason in the reader's language.
    """
    members = list(team_members(team))
    loads = open_load(team)
    levels: dict[int, int] = {}
    if skill:
        levels = dict(
            SkillLevel.objects.filter(membership__team=team, skill=skill)
            .values_list("membership_id", "level")
        )
    skill_label = Skill(skill).label if skill in Skill.values else ""
    ranked = []
    for membership in members:
        load = loads.get(membership.user_id, Load())
        level = levels.get(membership.pk, 0)
        score = level * 2 - load.open - load.overdue if skill else -load.open - load.overdue
        ranked.append((-score, load.open, membership.user.get_username(), membership, level, load))
    ranked.sort(key=lambda row: row[:3])
    suggestions = []
    for _score, _open, _name, membership, level, load in ranked[:limit]:
        work = gettext("%(open)s open tasks, %(overdue)s overdue") % {
            "open": load.open, "overdue": load.overdue,
        }
        if skill:
            strength = (
                gettext("%(skill)s level %(level)s of 5") % {"skill": skill_label, "level": level}
                if level else gettext("%(skill)s not assessed") % {"skill": skill_label}
            )
            reason = f"{strength}; {work}"
        else:
            reason = gettext("Lightest load: %(work)s") % {"work": work}
        suggestions.append(Suggestion(membership, level, load, reason))
    return suggestions


def task_ids_to_remind(today: datetime.date) -> list[int]:
    """Open tasks due today or earlier, of every team: the reminder job's worklist."""
    return list(
        Task.objects.filter(status=TaskStatus.OPEN, due_date__lte=today)
        .order_by("due_date", "pk").values_list("pk", flat=True)
    )


PRIORITY_BADGE = {
    TaskPriority.URGENT: "danger", TaskPriority.HIGH: "warning",
    TaskPriority.NORMAL: "secondary", TaskPriority.LOW: "light",
}
