"""What higher floors plug into teams, registered from their ``AppConfig.ready()``.

Teams is the ground floor: it never imports the apps above it. Yet a RACI
matrix is per campaign, the board filters tasks by campaign, and a meeting's
agenda reads campaigns, KPI pacing, incidents, replies and content. Those
apps hand teams what it needs here:

- a **campaign directory**: the campaign model, the campaigns a user may see,
  and for each model that tasks point at (``Task.source``) the lookup from it
  to its campaign's id;
- **agenda contributors**: functions that, given a meeting, return the agenda
  lines their floor knows about (teams writes its own sections itself).

Without a registration the features degrade visibly: the RACI page says no
campaigns are connected, and the agenda says which data is not available.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from .models import Meeting


@dataclass(frozen=True)
class CampaignDirectory:
    model: type[models.Model]
    # user -> the campaigns that user may see (a scoped selector of the campaign app)
    visible_to: Callable[[Any], models.QuerySet]
    team_field: str = "team"
    # model a task may point at -> lookup from that model to the campaign's id
    source_paths: Mapping[type[models.Model], str] = field(default_factory=dict)


@dataclass(frozen=True)
class AgendaEntry:
    """One agenda line as a contributor proposes it; teams stores it as an ``AgendaItem``.

    ``msgid`` is untranslated (``gettext_noop``) with ``%(name)s`` placeholders
    filled from ``params`` when read (see ``teams.messages``).
    """

    section: str
    msgid: str
    params: dict = field(default_factory=dict)
    source: models.Model | None = None
    url: str = ""
    available: bool = True


AgendaContributor = Callable[["Meeting"], list[AgendaEntry]]

_directory: CampaignDirectory | None = None
_contributors: dict[str, AgendaContributor] = {}


def register_campaign_directory(directory: CampaignDirectory) -> None:
    """Tell teams where campaigns live. The last registration wins (one campaign app)."""
    global _directory
    _directory = directory


def campaign_directory() -> CampaignDirectory | None:
    return _directory


def register_agenda_contributor(name: str, contributor: AgendaContributor) -> None:
    """Add (or replace, by name) a function that proposes agenda lines for a meeting."""
    _contributors[name] = contributor


def agenda_contributors() -> list[tuple[str, AgendaContributor]]:
    return sorted(_contributors.items())
