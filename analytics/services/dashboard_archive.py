"""Campaign dashboards built ahead of the request, and what makes them out of date.

A campaign dashboard is computed from the rollups on every request; a manager
opening it again, or the portfolio's users opening the same campaign, pay
that each time. As Matomo archives its reports, the default view (the
campaign's window up to today, every platform) is kept per language in
``DashboardArchive``, built after each write that changes it and every night
for the new day, and served while it is current.

Current means: built for today, from the campaign's present
``DashboardGeneration``. Every write that changes what a dashboard shows bumps
that counter in its own transaction — points and rollups (``store``), the
campaign, its goals and KPIs, its team's accounts, the platform catalogue and
formula metrics (``analytics.signals``). A build reads the generation first
and computes after, so a write that commits in between leaves the archive one
generation behind: never served, built again by the next request or task.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone, translation

from campaigns.planning.models import Campaign

from ..models import DashboardArchive, DashboardGeneration
from ..selectors.dashboards import (
    campaign_dashboard,
    campaign_dashboard_data,
    dashboard_generation,
)

logger = logging.getLogger(__name__)


def _bump_sql(connection, select: str) -> str:
    table = connection.ops.quote_name(DashboardGeneration._meta.db_table)
    # "WHERE true": SQLite needs it to read ON CONFLICT after INSERT … SELECT.
    return (
        f"INSERT INTO {table} (campaign_id, value) {select} "  # noqa: S608 - names, not input
        f"ON CONFLICT (campaign_id) DO UPDATE SET value = {table}.value + 1"
    )


def generation_bump(campaign_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """What these campaigns' dashboards show changed (in the caller's transaction)."""
    ids = sorted({int(pk) for pk in campaign_ids})
    if not ids:
        return
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.executemany(
            _bump_sql(connection, "SELECT %s, 1 WHERE true"), [(pk,) for pk in ids]
        )


def generation_bump_team(team_id: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Something every dashboard of the team shows changed (an account's name)."""
    connection = connections[using]
    campaigns = connection.ops.quote_name(Campaign._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            _bump_sql(connection, f"SELECT id, 1 FROM {campaigns} WHERE team_id = %s"),  # noqa: S608
            [team_id],
        )


def generation_bump_all(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Something every dashboard shows changed (a platform's name, a formula metric)."""
    connection = connections[using]
    campaigns = connection.ops.quote_name(Campaign._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_bump_sql(connection, f"SELECT id, 1 FROM {campaigns} WHERE true"))  # noqa: S608


def dashboard_body(data: dict) -> str:
    """The JSON the API sends for ``data``, byte for byte as DRF's renderer writes it."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def dashboard_archive(
    campaign: Campaign, *, today: datetime.date | None = None, language: str | None = None
) -> str:
    """Compute the campaign's default dashboard, archive it and return its JSON.

    The caller has checked that the campaign may be seen. The generation is
    read before the rollups, so data committed meanwhile makes this archive
    out of date instead of wrong.
    """
    today = today or timezone.localdate()
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    generation = dashboard_generation(campaign.pk)
    with translation.override(language):
        body = dashboard_body(campaign_dashboard_data(campaign_dashboard(campaign, today=today)))
    DashboardArchive.objects.bulk_create(
        [DashboardArchive(
            campaign_id=campaign.pk, language=language, built_for=today,
            generation=generation, body=body,
        )],
        update_conflicts=True, unique_fields=["campaign", "language"],
        update_fields=["built_for", "generation", "body", "built_at"],
    )
    return body


def dashboard_archives_build(campaign_id: int, *, today: datetime.date | None = None) -> int:
    """Archive the campaign's dashboard in every language the product speaks; how many."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    for code, _name in settings.LANGUAGES:
        dashboard_archive(campaign, today=today, language=code)
    return len(settings.LANGUAGES)
