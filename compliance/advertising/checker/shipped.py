"""The shipped rule catalogue (``rules/default.toml``) read without a database.

``services.ruleset_ensure_default`` loads the same file into the database,
where admins edit it; this module compiles the file as shipped, for the
evaluation and the benchmark, and holds the one parser of its term syntax.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from .engine import (
    KIND_EXEMPT,
    KIND_EXEMPT_POS,
    KIND_EXEMPT_REGEX,
    KIND_LEXICON,
    KIND_POS,
    KIND_PREFIX,
    KIND_REGEX,
    KIND_WORD,
    CompiledRules,
    RuleSpec,
    TermSpec,
)

DEFAULT_RULES_FILE = Path(__file__).resolve().parent.parent / "rules" / "default.toml"


def parse_term(raw: str) -> tuple[str, str]:
    """(text, kind) of one entry of a rule's ``terms`` list.

    ``re:PATTERN`` a pattern, ``pos:ANCHOR : TAGS`` a word followed by a part of
    speech, ``word*`` a prefix, anything else a whole word.
    """
    if raw.startswith("re:"):
        return raw[3:], KIND_REGEX
    if raw.startswith("pos:"):
        return raw[4:].strip(), KIND_POS
    if raw.endswith("*") and len(raw) > 1:
        return raw[:-1], KIND_PREFIX
    return raw, KIND_WORD


_EXEMPT_OF = {KIND_REGEX: KIND_EXEMPT_REGEX, KIND_POS: KIND_EXEMPT_POS}


def parse_exempt(raw: str) -> tuple[str, str]:
    """(text, kind) of one entry of a rule's ``exempt`` list (same syntax as ``terms``)."""
    text, kind = parse_term(raw)
    return text, _EXEMPT_OF.get(kind, KIND_EXEMPT)


def rule_terms(row: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(text, kind) → note for every term, word-list entry and exemption of one rule."""
    terms: dict[tuple[str, str], str] = {}
    for name, words in (row.get("lexicons") or {}).items():
        for word in words:
            terms[(f"{name}: {word}", KIND_LEXICON)] = ""
    for raw in row.get("terms", []):
        terms[parse_term(raw)] = ""
    for raw in row.get("exempt", []):
        terms[parse_exempt(raw)] = row.get("exempt_note", "")
    return terms


def load_rows(path: Path = DEFAULT_RULES_FILE) -> list[dict[str, Any]]:
    with path.open("rb") as handle:
        return tomllib.load(handle)["rule"]


def compile_shipped(path: Path = DEFAULT_RULES_FILE) -> CompiledRules:
    """The data file compiled as the checker would compile it once loaded, unedited."""
    rules, terms = [], []
    for row in load_rows(path):
        unless = row.get("unless") or ""
        rules.append(
            RuleSpec(
                code=row["code"], category=row["category"], severity=row["severity"],
                basis_zh=row["basis_zh"], basis_en=row["basis_en"],
                message_zh=row["message_zh"], message_en=row["message_en"],
                platforms=frozenset(row.get("platforms", [])),
                unless=re.compile(unless) if unless else None,
                detector=row.get("detector", ""), params=row.get("params", {}),
            )
        )
        terms.extend(
            TermSpec(rule=row["code"], text=text, kind=kind, note=note)
            for (text, kind), note in rule_terms(row).items()
        )
    return CompiledRules(rules, terms, version=None, key=("shipped", str(path)))
