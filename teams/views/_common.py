"""What the team pages share: which team a page is about, errors as messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest

from ..models import Team
from ..selectors import teams_visible_to


def pick_team(request: HttpRequest) -> tuple[Team | None, list[Team]]:
    """The team named by ``?team=`` (404 when not visible), else the user's first team."""
    teams = list(teams_visible_to(request.user).order_by("name", "pk"))
    wanted = request.GET.get("team") or request.POST.get("team")
    if wanted:
        team = next((t for t in teams if str(t.pk) == str(wanted)), None)
        if team is None:
            raise Http404
        return team, teams
    own = set(request.user.memberships.values_list("team_id", flat=True))
    team = next((t for t in teams if t.pk in own), None) or (teams[0] if teams else None)
    return team, teams


def error_message(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    """A refused action as a message above the page (for buttons without a form)."""
    messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
