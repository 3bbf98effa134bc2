"""What changed between two versions of an item, field by field (difflib).

Two views of the same comparison: side-by-side rows (with the changed
characters inside a changed line marked, since a Chinese paragraph is often one
long line) and a unified diff for the API and for copying.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ContentKind, InteractionPrompt


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool


@dataclass(frozen=True)
class Row:
    """One side-by-side line: ``kind`` is equal, insert, delete or replace."""

    kind: str
    left: list[Segment]
    right: list[Segment]


@dataclass
class FieldDiff:
    key: str
    label: str
    rows: list[Row] = field(default_factory=list)
    unified: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(r.kind != "equal" for r in self.rows)


def _inline(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    left: list[Segment] = []
    right: list[Segment] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if a2 > a1:
            left.append(Segment(old[a1:a2], op != "equal"))
        if b2 > b1:
            right.append(Segment(new[b1:b2], op != "equal"))
    return left, right


def _rows(old: str, new: str) -> list[Row]:
    a, b = old.splitlines(), new.splitlines()
    rows: list[Row] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [Row("equal", [Segment(x, False)], [Segment(x, False)]) for x in a[a1:a2]]
        elif op == "delete":
            rows += [Row("delete", [Segment(x, True)], []) for x in a[a1:a2]]
        elif op == "insert":
            rows += [Row("insert", [], [Segment(x, True)]) for x in b[b1:b2]]
        else:
            olds, news = a[a1:a2], b[b1:b2]
            for i in range(max(len(olds), len(news))):
                o = olds[i] if i < len(olds) else None
                n = news[i] if i < len(news) else None
                if o is not None and n is not None:
                    left, right = _inline(o, n)
                    rows.append(Row("replace", left, right))
                elif o is not None:
                    rows.append(Row("delete", [Segment(o, True)], []))
                else:
                    rows.append(Row("insert", [], [Segment(n, True)]))
    return rows


def _field(key: str, label: str, old: str, new: str, names: tuple[str, str]) -> FieldDiff:
    return FieldDiff(
        key=key, label=label, rows=_rows(old, new),
        unified=[
            line.rstrip("\n")
            for line in difflib.unified_diff(
                old.splitlines(), new.splitlines(), fromfile=f"{names[0]} {key}",
                tofile=f"{names[1]} {key}", lineterm="",
            )
        ],
    )


def _choice(choices) -> Callable[[object], str]:
    labels = dict(choices)
    return lambda v: str(labels.get(v, v or ""))


def _text(value: object) -> str:
    return str(value or "")


def _yes_no(value: object) -> str:
    return _("yes") if value else _("no")


def snapshot_diff(
    old: dict, new: dict, *, old_name: str, new_name: str,
    media_names: dict[int, str] | None = None, zone: datetime.tzinfo | None = None,
) -> list[FieldDiff]:
    """Every field of two snapshots, compared (unchanged fields included, marked as such).

    Planned times are shown in ``zone`` (the team's), as they were entered.
    """
    media_names = media_names or {}
    names = (old_name, new_name)

    def when(value: object) -> str:
        if not value:
            return ""
        moment = datetime.datetime.fromisoformat(str(value))
        return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M") if zone else str(value)

    def media(snapshot: dict) -> str:
        return "\n".join(media_names.get(pk, f"#{pk}") for pk in snapshot.get("media") or [])

    plain: list[tuple[str, str, Callable[[object], str]]] = [
        ("title", _("Title"), _text),
        ("kind", _("Kind"), _choice(ContentKind.choices)),
        ("planned_theme", _("Planned theme"), _text),
        ("body", _("Body"), _text),
        ("interaction_prompt", _("Interaction prompt"), _choice(InteractionPrompt.choices)),
        ("interaction_prompt_text", _("Interaction prompt text"), _text),
        ("is_paid_promotion", _("Paid promotion"), _yes_no),
        ("planned_at", _("Planned for"), when),
    ]
    diffs = [
        _field(key, label, show(old.get(key)), show(new.get(key)), names)
        for key, label, show in plain
    ]
    diffs.append(_field("media", _("Media"), media(old), media(new), names))
    old_variants, new_variants = old.get("variants") or {}, new.get("variants") or {}
    for account_id in sorted(set(old_variants) | set(new_variants), key=int):
        before = old_variants.get(account_id)
        after = new_variants.get(account_id)
        account = (after or before or {}).get("account") or f"#{account_id}"

        def text(v: dict | None) -> str:
            if v is None:
                return ""
            return "\n".join(x for x in (v.get("title") or "", v.get("body") or "") if x) or _(
                "(same as the original)"
            )

        diffs.append(_field(
            f"variant:{account_id}", _("Variant for %(account)s") % {"account": account},
            text(before), text(after), names,
        ))
    return diffs
