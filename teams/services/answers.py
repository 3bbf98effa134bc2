"""New answer tags (``models.AnswerTag``), written in the transaction that changes the data.

A tag is 40 random bits: a SUM over every team of an instance stays far inside a
64-bit integer (SQLite's SUM raises on overflow), and two states of the same
teams share a sum with a chance of about one in a trillion.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections

from ..models import AnswerTag

TAG_BITS = 40


def answer_tags_renew(team_ids: Iterable[int | None], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Cached answers about these teams' data are out of date: give each team a new tag."""
    ids = sorted({int(pk) for pk in team_ids if pk is not None})
    if not ids:
        return
    connection = connections[using]
    table = connection.ops.quote_name(AnswerTag._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            # "WHERE true": SQLite needs it to read ON CONFLICT after INSERT … SELECT.
            f"INSERT INTO {table} (team_id, value) SELECT %s, %s WHERE true "  # noqa: S608 - names
            "ON CONFLICT (team_id) DO UPDATE SET value = excluded.value",
            [(pk, secrets.randbits(TAG_BITS)) for pk in ids],
        )
