"""The home dashboard's panels, contributed by the apps that own their data.

Teams is the ground floor and never imports the apps above it, yet the home
page shows their campaigns, content to review, failed publications, overdue
replies and incidents. Each app registers its panels from its
``AppConfig.ready()`` (``register_panel``); the home view asks every panel to
``read`` the acting user's rows, through that app's scoped selectors, in a
fixed number of queries whatever the row count.

A panel answers ``None`` when it does not concern the user (a reviewer-only
queue for a marketer) and is then left off the page; an empty answer is
shown as a card that says what to do next.

KPI progress is measured by analytics, the top floor: whoever wires the
project (``config``) hands it in with ``register_campaign_progress`` so the
campaigns panel can show it without importing analytics.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Window

# Where a panel sits on the home page, in page order.
SECTION_WORK = "work"  # my campaigns, my tasks
SECTION_REVIEW = "review"  # items awaiting my review or approval
SECTION_ALERTS = "alerts"  # incidents, overdue replies, failed publications
SECTIONS = (SECTION_ALERTS, SECTION_WORK, SECTION_REVIEW)

# Rows a panel shows; the count and the "see all" link cover the rest.
PANEL_ROWS = 5


@dataclass(frozen=True)
class Progress:
    """How far a campaign's KPIs are: average share of target reached, and pacing."""

    percent: int  # 0–100, for the bar
    label: str = ""  # "On track", "Behind" … in the reader's language
    tone: str = "primary"  # Bootstrap colour of the bar


@dataclass(frozen=True)
class PanelRow:
    title: str
    url: str = ""
    meta: str = ""  # a second, quieter line: team, dates, platform
    badge: str = ""  # a short state in the reader's language
    tone: str = "secondary"  # Bootstrap colour of the badge
    progress: Progress | None = None


@dataclass(frozen=True)
class PanelContent:
    rows: list[PanelRow]
    total: int  # all matching rows, not only those shown


@dataclass(frozen=True)
class Panel:
    key: str
    title: Any  # lazy translation
    icon: str  # a Bootstrap Icons name, e.g. "bi-flag"
    section: str
    order: int
    # user -> the rows for that user, or None when the panel does not concern them
    read: Callable[[Any], PanelContent | None]
    empty_text: Any  # what an empty panel says: why it is empty, what to do next
    more_url: str = ""  # URL name of the full list ("teams:my_tasks")
    more_label: Any = ""
    # user -> (label, URL name) of the next step offered on an empty panel, or None
    empty_action: Callable[[Any], tuple[Any, str] | None] | None = field(default=None)


CampaignProgressSource = Callable[[Iterable[int]], dict[int, Progress]]

_panels: dict[str, Panel] = {}
_progress_source: CampaignProgressSource | None = None


def register_panel(panel: Panel) -> None:
    """Add (or replace, by key) a panel of the home page."""
    _panels[panel.key] = panel


def registered_panels() -> list[Panel]:
    """Every registered panel, by section then order."""
    return sorted(_panels.values(), key=lambda p: (SECTIONS.index(p.section), p.order, p.key))


def first_rows_and_total(queryset: QuerySet, limit: int = PANEL_ROWS) -> tuple[list, int]:
    """The first ``limit`` rows of ``queryset`` and the number of all its rows, in one
    query (a window count rides along with each row), so a panel costs one query."""
    rows = list(queryset.annotate(panel_total=Window(Count("pk")))[:limit])
    return rows, (rows[0].panel_total if rows else 0)


def register_campaign_progress(source: CampaignProgressSource | None) -> None:
    """Tell the home page how to read KPI progress for a set of campaign ids (or stop)."""
    global _progress_source
    _progress_source = source


def campaign_progress(campaign_ids: Iterable[int]) -> dict[int, Progress]:
    """KPI progress per campaign id; empty when no source is connected or no id given."""
    ids = list(campaign_ids)
    if _progress_source is None or not ids:
        return {}
    return _progress_source(ids)


# --- teams' own panel: my open tasks ----------------------------------------------------


def my_tasks(user: Any) -> PanelContent:
    """The user's open tasks, soonest due first; an overdue one says so."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext

    from .models.tasks import TaskPriority
    from .selectors import tasks_for_owner

    # The record a task points at is not shown here: no prefetch of it.
    tasks, total = first_rows_and_total(tasks_for_owner(user).prefetch_related(None))
    today = timezone.localdate()
    rows = []
    for task in tasks:
        overdue = task.due_date is not None and task.due_date < today
        if overdue:
            badge, tone = gettext("Overdue"), "danger"
        elif task.priority in (TaskPriority.URGENT, TaskPriority.HIGH):
            badge, tone = task.get_priority_display(), "warning"
        else:
            badge, tone = "", "secondary"
        due = date_format(task.due_date) if task.due_date else ""
        rows.append(PanelRow(
            title=task.title, url=reverse("teams:task_detail", args=[task.pk]),
            meta=" · ".join(filter(None, [task.team.name, due])), badge=badge, tone=tone,
        ))
    return PanelContent(rows=rows, total=total)


def register_own_panels() -> None:
    from django.utils.translation import gettext_lazy as _

    register_panel(Panel(
        key="teams.tasks", title=_("My tasks"), icon="bi-list-check",
        section=SECTION_WORK, order=20, read=my_tasks,
        empty_text=_("You have no open tasks. The team board shows what the team is working on."),
        more_url="teams:my_tasks", more_label=_("My tasks"),
        empty_action=lambda user: (_("Task board"), "teams:board"),
    ))
