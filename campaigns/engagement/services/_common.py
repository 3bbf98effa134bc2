"""What every engagement service shares: the capability check and the audit row."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from teams.selectors import user_can
from teams.services import audit_record

REPLY = "interaction.reply"
# Uploaded lists (entrants, audience) are read whole: past this they are refused.
MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_CSV_ROWS = 50_000
# How many bad rows an error names before "and N more".
MAX_NAMED_ROWS = 20


def require(actor: User | None, team_id: int, capability: str, message: str) -> None:
    """``actor=None`` is the system (beat tasks); people need the capability in the team."""
    if actor is not None and not user_can(actor, team_id, capability):
        raise PermissionDenied(message)


def audit(
    actor: User | None, action: str, summary: str, target: models.Model, **data: Any
) -> None:
    audit_record(actor=actor, action=action, summary=summary, target=target, data=data or None)


def read_csv(upload, *, field: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of an uploaded UTF-8 CSV as (line number, {column: value}).

    Refused on ``field``: a file too large, not UTF-8 text, without a header
    naming every ``required`` column, or with too many rows.
    """
    size = getattr(upload, "size", None) or 0
    if size > MAX_CSV_BYTES:
        raise ValidationError({field: _("The file is larger than 5 MB.")})
    raw = upload.read()
    if isinstance(raw, str):
        text = raw
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError({field: _("The file is not UTF-8 text (CSV).")}) from exc
    if "\x00" in text:
        raise ValidationError({field: _("The file is not UTF-8 text (CSV).")})
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [name for name in required if name not in header]
    if missing:
        raise ValidationError({field: _(
            "The first line must name the columns; missing: %(columns)s."
        ) % {"columns": ", ".join(missing)}})
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for row in reader:
            if len(rows) >= MAX_CSV_ROWS:
                raise ValidationError({field: _(
                    "The file has more than %(count)s rows."
                ) % {"count": MAX_CSV_ROWS}})
            cleaned = {
                (k or "").strip(): (v or "").strip() if isinstance(v, str) else ""
                for k, v in row.items()
            }
            if any(cleaned.values()):
                rows.append((reader.line_num, cleaned))
    except csv.Error as exc:
        raise ValidationError({field: _("The file is not a readable CSV file.")}) from exc
    if not rows:
        raise ValidationError({field: _("The file has no rows below its header.")})
    return rows


def named_rows(problems: list[str]) -> list[str]:
    """At most MAX_NAMED_ROWS problems, then how many more there are."""
    if len(problems) <= MAX_NAMED_ROWS:
        return problems
    rest = len(problems) - MAX_NAMED_ROWS
    return [*problems[:MAX_NAMED_ROWS], _("… and %(count)s more.") % {"count": rest}]


def csv_cell(value: object) -> str:
    """A value safe in a spreadsheet: a leading =, +, - or @ would start a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
