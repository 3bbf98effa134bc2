"""Run the checker against the active rule set, compiled once per version.

Each call reads the active rule set's (id, version, updated_at) with one
indexed query (the timestamp tells apart equal versions after a rollback),
so an admin's edit in any process takes effect on the next check; the
automaton is rebuilt only when that pair changes.
"""

from __future__ import annotations

import datetime
import logging
import re
import threading
import time
from typing import Any

from django.db import connection

from .engine import CheckResult, CompiledRules, RuleSpec, TermSpec

_lock = threading.Lock()
_compiled: CompiledRules | None = None
_checked_at = 0.0
# Outside a transaction the version is read at most once a second per
# process: an edit made in another process shows within a second, one made in
# this process at once (``invalidate``). Inside a transaction it is read on
# every call, so a rolled-back edit never leaves a stale automaton behind.
RECHECK_SECONDS = 1.0


def invalidate() -> None:
    """Forget the compiled rule set (called when rules are edited)."""
    global _compiled, _checked_at
    _compiled = None
    _checked_at = 0.0


def _active_key() -> tuple[int, int, str] | None:
    from compliance.advertising.models import RuleSet

    table = connection.ops.quote_name(RuleSet._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, version, updated_at FROM {table} WHERE is_active = %s ORDER BY id LIMIT 1",  # noqa: S608
            [True],
        )
        row = cursor.fetchone()
    return (row[0], row[1], str(row[2])) if row else None


def _build(key: tuple[int, int, str]) -> CompiledRules:
    from compliance.advertising.models import Rule, Term

    rules = []
    for rule in Rule.objects.filter(ruleset_id=key[0], enabled=True).prefetch_related("platforms"):
        try:
            unless = re.compile(rule.unless_pattern) if rule.unless_pattern else None
        except re.error as exc:  # refused by forms and services; logged if it slipped in
            logging.getLogger(__name__).warning(
                "Invalid unless pattern of %s %r: %s", rule.code, rule.unless_pattern, exc
            )
            unless = None
        rules.append(
            RuleSpec(
                code=rule.code, category=rule.category, severity=rule.severity,
                basis_zh=rule.basis_zh, basis_en=rule.basis_en,
                message_zh=rule.message_zh, message_en=rule.message_en,
                platforms=frozenset(p.code for p in rule.platforms.all()),
                unless=unless, detector=rule.detector, params=rule.params or {},
            )
        )
    terms = [
        TermSpec(rule=code, text=text, kind=kind, note=note)
        for code, text, kind, note in Term.objects.filter(
            rule__ruleset_id=key[0], rule__enabled=True, enabled=True
        ).values_list("rule__code", "text", "kind", "note")
    ]
    return CompiledRules(rules, terms, version=key[1], key=key)


def compiled_rules() -> CompiledRules:
    """The active rule set, compiled; rebuilt when its version changes."""
    global _compiled, _checked_at
    current = _compiled
    # _checked_at is only ever set outside a transaction (below), so a fresh
    # timestamp means the key was read from committed data.
    if current is not None and time.monotonic() - _checked_at < RECHECK_SECONDS:
        return current
    in_transaction = connection.in_atomic_block
    key = _active_key()
    if key is None:
        from compliance.advertising.services import ruleset_ensure_default

        ruleset_ensure_default()
        key = _active_key()
    _checked_at = 0.0 if in_transaction else time.monotonic()
    if current is not None and current.key == key:
        return current
    with _lock:
        if _compiled is None or _compiled.key != key:
            _compiled = _build(key)
        return _compiled


def _platform_code(platform: Any) -> str | None:
    if platform is None or platform == "":
        return None
    return getattr(platform, "code", platform)


def check_text(
    text: str,
    platform: Any = None,
    is_paid_promotion: bool = False,
    filing: Any = None,
    *,
    today: datetime.date | None = None,
    rules: CompiledRules | None = None,
) -> CheckResult:
    """Check ``text`` against the active rule set.

    ``platform`` is a ``platforms.Platform`` or its code; ``filing`` a
    ``PromotionFiling`` the paid content references (rule ID-02).
    """
    compiled = rules if rules is not None else compiled_rules()
    return compiled.check(
        text, platform=_platform_code(platform), is_paid_promotion=is_paid_promotion,
        filing=filing, today=today,
    )
