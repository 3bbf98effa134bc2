"""The home page: a dashboard of the panels the apps register (``teams.panels``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from ..panels import (
    SECTION_ALERTS,
    SECTION_REVIEW,
    SECTION_WORK,
    Panel,
    PanelContent,
    registered_panels,
)
from ..selectors import user_can_anywhere


@dataclass(frozen=True)
class ShownPanel:
    panel: Panel
    content: PanelContent
    more_url: str
    action_label: str
    action_url: str

    @property
    def hidden(self) -> int:
        """Rows not shown on the card (the "see all" link leads to them)."""
        return max(self.content.total - len(self.content.rows), 0)


def _url(name: str) -> str:
    try:
        return reverse(name) if name else ""
    except NoReverseMatch:
        return ""


def _shown(panel: Panel, user) -> ShownPanel | None:
    content = panel.read(user)
    if content is None:
        return None
    action_label, action_url = "", ""
    if not content.rows and panel.empty_action is not None:
        action = panel.empty_action(user)
        if action is not None:
            action_label, action_url = str(action[0]), _url(action[1])
    return ShownPanel(
        panel=panel, content=content, more_url=_url(panel.more_url),
        action_label=action_label, action_url=action_url,
    )


def home(request: HttpRequest) -> HttpResponse:
    """My campaigns with KPI progress, my tasks, what awaits my review, and alerts."""
    sections: dict[str, list[ShownPanel]] = {
        SECTION_ALERTS: [], SECTION_WORK: [], SECTION_REVIEW: [],
    }
    for panel in registered_panels():
        shown = _shown(panel, request.user)
        if shown is not None:
            sections[panel.section].append(shown)
    alerts = sections[SECTION_ALERTS]
    return render(request, "teams/home.html", {
        "alerts": alerts,
        "alert_count": sum(s.content.total for s in alerts),
        "work": sections[SECTION_WORK],
        "review": sections[SECTION_REVIEW],
        # Only roles that may plan see "New campaign" (analysts, reviewers would get a 403).
        "can_create": user_can_anywhere(request.user, "campaign.edit"),
    })
