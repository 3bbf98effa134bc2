"""New tags for the campaign list cache, written in the transaction that changes the list.

See ``models.CampaignListGeneration``. A tag is 40 random bits: a SUM over every
team of an instance stays far inside a 64-bit integer (SQLite's SUM raises on
overflow), and two states of the same teams share a sum with a chance of about
one in a trillion.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections

from ..models import Campaign, CampaignListGeneration

TAG_BITS = 40


def _upsert_sql(connection, select: str) -> str:
    table = connection.ops.quote_name(CampaignListGeneration._meta.db_table)
    # "WHERE true": SQLite needs it to read ON CONFLICT after INSERT … SELECT.
    return (
        f"INSERT INTO {table} (team_id, value) {select} "  # noqa: S608 - names, not input
        "ON CONFLICT (team_id) DO UPDATE SET value = excluded.value"
    )


def campaign_list_bump(team_ids: Iterable[int | None], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """The campaign lists of these teams changed: give each a new tag."""
    ids = sorted({int(pk) for pk in team_ids if pk is not None})
    if not ids:
        return
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.executemany(
            _upsert_sql(connection, "SELECT %s, %s WHERE true"),
            [(pk, secrets.randbits(TAG_BITS)) for pk in ids],
        )


def campaign_list_bump_owner(user_id: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """A user the lists name as owner changed: new tags for the teams of their campaigns."""
    team_ids = (
        Campaign.objects.using(using).filter(owner_id=user_id).values_list("team_id", flat=True)
    )
    campaign_list_bump(set(team_ids), using=using)
