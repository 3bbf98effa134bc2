"""The content checker's engine: compile a rule set once, scan texts fast (S3.1.1).

One Aho-Corasick pass finds every candidate term and exemption phrase; only
the few candidates glued to other word characters are confirmed by jieba,
which segments a small window around them, never the whole post. Regexes
cover numbers and patterns; detectors cover checks that are code (IDs with a
checksum, prize caps, disclosure). Everything here is pure: no database.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

from . import detectors, segment

KIND_WORD = "word"
KIND_PREFIX = "prefix"
KIND_REGEX = "regex"
KIND_EXEMPT = "exempt"
KIND_EXEMPT_REGEX = "exempt_regex"

# Characters that glue to a term to form a longer word; anything else
# (punctuation, spaces, emoji) is a word boundary without asking jieba.
_WORD_CHAR = re.compile(r"[\w\u3400-\u9fff\uf900-\ufaff]")
_WINDOW = 6

# Full-width digits and letters (１３８…, ＮＯ．１, ＋８６) are matched as their
# half-width twins. Chinese punctuation (，：（）) is left alone: rule data is
# written with it. One character maps to one, so offsets stay those of the text.
_FULLWIDTH = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_TO_HALFWIDTH = {
    cp: cp - 0xFEE0
    for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
} | {0xFF0B: 0x2B, 0xFF0D: 0x2D, 0xFF0E: 0x2E}  # ＋ － ． once digits are present

# An exemption regex may name the part it clears with a group ``hit`` (the
# ranking word of a dated, sourced ranking); otherwise it clears its whole match.
EXEMPT_GROUP = "hit"


def normalise(text: str) -> str:
    """``text`` with full-width ASCII made half-width; same length, same offsets."""
    if _FULLWIDTH.search(text) is None:
        return text
    return text.translate(_TO_HALFWIDTH)


logger = logging.getLogger(__name__)

REGEX_KINDS = frozenset({KIND_REGEX, KIND_EXEMPT_REGEX})


def regex_error(pattern: str) -> str | None:
    """Why ``pattern`` is not a usable regular expression, or None when it is.

    Admin forms and services call this before saving, so a broken pattern is
    refused with a message instead of being skipped when the rules compile.
    """
    try:
        re.compile(pattern, re.IGNORECASE)
    except (re.error, TypeError, ValueError, OverflowError, RecursionError) as exc:
        return str(exc)
    return None


def _required_literals(pattern: re.Pattern) -> str:
    """Characters every match of ``pattern`` contains.

    Literals of the top level, of groups, of repeats that must occur at least
    once, and those common to every branch of an alternation. A cheap ``in``
    test on them skips regexes that cannot match; when the pattern cannot be
    analysed the answer is empty and the regex always runs.
    """
    try:
        from re import _constants, _parser  # private, hence the fallback
    except ImportError:  # pragma: no cover - other Python versions
        return ""
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError, ValueError):  # pragma: no cover
        return ""

    def required(seq) -> set[str]:
        chars: set[str] = set()
        for op, arg in seq:
            if op is _constants.LITERAL:
                chars.add(chr(arg).lower())
            elif op is _constants.SUBPATTERN:
                chars |= required(arg[-1])
            elif op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT) and arg[0] >= 1:
                chars |= required(arg[2])
            elif op is _constants.BRANCH:
                branches = [required(b) for b in arg[1]]
                if branches:
                    chars |= set.intersection(*branches)
        return chars

    try:
        return "".join(sorted(required(parsed)))
    except (TypeError, ValueError, IndexError, AttributeError):  # pragma: no cover
        return ""


def _lang_is_zh(language: str | None) -> bool:
    return (language or "zh").lower().startswith("zh")


@dataclass(frozen=True)
class RuleSpec:
    code: str
    category: str
    severity: str
    basis_zh: str
    basis_en: str
    message_zh: str
    message_en: str
    platforms: frozenset[str] = frozenset()
    unless: re.Pattern | None = None
    detector: str = ""
    params: dict = field(default_factory=dict, hash=False, compare=False)

    def applies_on(self, platform: str | None) -> bool:
        """Unscoped rules apply everywhere; scoped ones only on their platforms."""
        return not self.platforms or platform in self.platforms


@dataclass(frozen=True)
class TermSpec:
    rule: str
    text: str
    kind: str = KIND_WORD
    note: str = ""


@dataclass
class Finding:
    rule: str
    category: str
    severity: str
    start: int
    end: int
    match: str
    message_zh: str
    message_en: str
    basis_zh: str
    basis_en: str

    @property
    def blocks(self) -> bool:
        return self.severity == "block"

    def to_dict(self, language: str | None = None) -> dict[str, Any]:
        zh = _lang_is_zh(language)
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "match": self.match,
            "message": self.message_zh if zh else self.message_en,
            "basis": self.basis_zh if zh else self.basis_en,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Finding:
        """The finding a stored record (``to_record``) was made from."""
        return cls(**{name: record[name] for name in cls.__dataclass_fields__})

    def to_record(self) -> dict[str, Any]:
        """Both languages, for storage: each reader later sees their own."""
        return {
            "rule": self.rule, "category": self.category, "severity": self.severity,
            "start": self.start, "end": self.end, "match": self.match,
            "message_zh": self.message_zh, "message_en": self.message_en,
            "basis_zh": self.basis_zh, "basis_en": self.basis_en,
        }


@dataclass
class Exemption:
    """A candidate that was not flagged, and why (RULES.md AB-05)."""

    rule: str
    start: int
    end: int
    match: str
    exempted_by: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule, "start": self.start, "end": self.end, "match": self.match,
            "exempted_by": self.exempted_by, "reason": self.reason,
        }


@dataclass
class CheckResult:
    findings: list[Finding]
    exemptions: list[Exemption]
    ruleset_version: int | None = None

    @property
    def passed(self) -> bool:
        """False when any finding blocks."""
        return not any(f.blocks for f in self.findings)

    def to_dict(self, language: str | None = None) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "findings": [f.to_dict(language) for f in self.findings],
            "exemptions": [e.to_dict() for e in self.exemptions],
            "ruleset_version": self.ruleset_version,
        }


class CompiledRules:
    """A rule set turned into one automaton plus regexes; build once per version."""

    def __init__(
        self, rules: Iterable[RuleSpec], terms: Iterable[TermSpec], version: int | None = None,
        key: Any = None,
    ) -> None:
        self.version = version
        self.key = key
        self.rules: dict[str, RuleSpec] = {r.code: r for r in rules}
        self.automaton = ahocorasick.Automaton()
        entries: dict[str, list[tuple[str, str, str]]] = {}
        self.regexes: list[tuple[str, re.Pattern]] = []
        self.exempt_regexes: list[tuple[str, re.Pattern, str]] = []
        words: set[str] = set()
        terms_seen = list(terms)
        for term in terms_seen:
            if term.rule not in self.rules or not term.text:
                continue
            if term.kind in (KIND_REGEX, KIND_EXEMPT_REGEX):
                try:
                    pattern = re.compile(term.text, re.IGNORECASE)
                except re.error as exc:
                    # Forms refuse broken patterns; one that slipped in (a raw
                    # database edit) must not take the checker down, but is logged.
                    logger.warning("Skipping invalid pattern of %s %r: %s", term.rule, term.text, exc)
                    continue
                if term.kind == KIND_REGEX:
                    self.regexes.append((term.rule, pattern))
                else:
                    self.exempt_regexes.append((term.rule, pattern, term.note))
                continue
            key_text = term.text.lower()
            values = entries.setdefault(key_text, [])
            if all((v[0], v[1]) != (term.kind, term.rule) for v in values):
                values.append((term.kind, term.rule, term.note))
            if term.kind in (KIND_WORD, KIND_PREFIX):
                words.add(term.text)
        # An exemption phrase matters only where a term or pattern could hit
        # inside it; the others (most of AB-05's list) are left out of the
        # automaton so that ordinary words cost nothing at scan time.
        term_keys = [k for k, vs in entries.items() if any(v[0] != KIND_EXEMPT for v in vs)]
        for key_text, values in list(entries.items()):
            kept = [v for v in values if v[0] != KIND_EXEMPT] or (
                values
                if any(t in key_text for t in term_keys)
                or any(p.search(key_text) for _c, p in self.regexes)
                else []
            )
            if kept:
                self.automaton.add_word(key_text, (len(key_text), tuple(kept)))
            else:
                del entries[key_text]
        if entries:
            self.automaton.make_automaton()
        self.has_terms = bool(entries)
        self.regex_needs = [(code, p, _required_literals(p)) for code, p in self.regexes]
        self.exempt_regex_needs = [
            (code, p, note, _required_literals(p)) for code, p, note in self.exempt_regexes
        ]
        self.scoped = {r.code: r.platforms for r in self.rules.values() if r.platforms}
        # An exemption clears hits of its own rule only; a rule that is nothing
        # but exemptions (AB-05, the guideline's list) clears the rules of its
        # category (the AB rules), never another category's hit.
        has_terms = {t.rule for t in terms_seen if t.kind not in (KIND_EXEMPT, KIND_EXEMPT_REGEX)}
        self.exempts_for: dict[str, frozenset[str]] = {}
        for code, rule in self.rules.items():
            if code in has_terms or rule.detector:
                self.exempts_for[code] = frozenset({code})
            else:
                self.exempts_for[code] = frozenset(
                    {c for c, r in self.rules.items() if r.category == rule.category}
                )
        self.detector_rules = [r for r in self.rules.values() if r.detector]
        segment.teach_words(words)

    # -- scanning ---------------------------------------------------------------------
    def check(
        self,
        text: str,
        *,
        platform: str | None = None,
        is_paid_promotion: bool = False,
        filing: Any = None,
        today: datetime.date | None = None,
    ) -> CheckResult:
        scoped = self.scoped
        original = text
        text = normalise(text)
        lowered = text.lower()
        if len(lowered) != len(text):  # a few characters change length when lowered
            lowered = text
        candidates: list[tuple[int, int, str, str]] = []  # start, end, rule, kind
        exempt_spans: list[tuple[int, int, str, str, str]] = []  # start, end, rule, text, note
        if self.has_terms:
            for end_index, (length, values) in self.automaton.iter(lowered):
                start, end = end_index - length + 1, end_index + 1
                for kind, code, note in values:
                    if kind == KIND_EXEMPT:
                        exempt_spans.append((start, end, code, original[start:end], note))
                    elif code not in scoped or platform in scoped[code]:
                        candidates.append((start, end, code, kind))
        for code, pattern, needs in self.regex_needs:
            if (code not in scoped or platform in scoped[code]) and all(c in lowered for c in needs):
                for m in pattern.finditer(text):
                    if m.end() > m.start():
                        candidates.append((m.start(), m.end(), code, KIND_REGEX))
        if candidates:
            # An exemption regex runs only when a rule it may clear has a
            # candidate that no exemption phrase has cleared already.
            exempts_for = self.exempts_for
            cand_codes = {
                c[2] for c in candidates
                if not any(
                    x[0] <= c[0] and c[1] <= x[1] and c[2] in exempts_for[x[2]] for x in exempt_spans
                )
            }
            for code, pattern, note, needs in self.exempt_regex_needs:
                if cand_codes.isdisjoint(exempts_for[code]):
                    continue
                if needs and not all(c in lowered for c in needs):
                    continue
                hit = EXEMPT_GROUP in pattern.groupindex
                for m in pattern.finditer(text):
                    lo, hi = m.span(EXEMPT_GROUP) if hit else m.span()
                    if lo >= 0:
                        exempt_spans.append((lo, hi, code, original[m.start():m.end()], note))

        exemptions: list[Exemption] = []
        unless_cache: dict[str, bool] = {}
        kept: list[tuple[int, int, str, str]] = []
        for cand in candidates:
            start, end, code, kind = cand
            cover = None
            if exempt_spans:
                cover = next(
                    (
                        x for x in exempt_spans
                        if x[0] <= start and end <= x[1] and code in self.exempts_for[x[2]]
                    ),
                    None,
                )
            if cover is not None:
                exemptions.append(
                    Exemption(code, start, end, original[start:end], cover[3], cover[4])
                )
                continue
            if self._suppressed(code, text, unless_cache):
                continue
            kept.append(cand)
        confirmed = self._confirm_boundaries(text, kept, exemptions, original)

        spans: list[tuple[int, int, str]] = [(s, e, code) for s, e, code, _k in confirmed]
        for rule in self.detector_rules:
            if rule.detector in detectors.PAID_ONLY and not is_paid_promotion:
                continue
            if not rule.applies_on(platform) or self._suppressed(rule.code, text, unless_cache):
                continue
            spans.extend(
                (s, e, rule.code)
                for s, e in detectors.run(
                    rule.detector, text, params=rule.params, platform=platform,
                    is_paid_promotion=is_paid_promotion, filing=filing, today=today,
                )
            )
        findings = self._merge(text, spans, original)
        if exemptions and findings:
            # A piece of a flagged word (最低 in 最低价) is not an exemption worth listing.
            exemptions = [
                x for x in exemptions
                if not any(f.rule == x.rule and f.start <= x.start and x.end <= f.end for f in findings)
            ]
        return CheckResult(findings, exemptions, self.version)

    def _suppressed(self, code: str, text: str, cache: dict[str, bool]) -> bool:
        pattern = self.rules[code].unless
        if pattern is None:
            return False
        if code not in cache:
            cache[code] = pattern.search(text) is not None
        return cache[code]

    def _confirm_boundaries(
        self, text: str, candidates: list[tuple[int, int, str, str]], exemptions: list[Exemption],
        original: str | None = None,
    ) -> list[tuple[int, int, str, str]]:
        """Keep candidates that are whole words; segment only around doubtful ones."""
        n = len(text)
        confirmed = []
        doubtful = []
        for cand in candidates:
            start, end, _code, kind = cand
            if kind == KIND_REGEX:
                confirmed.append(cand)
                continue
            glued_start = (
                start > 0
                and _WORD_CHAR.match(text, start - 1) is not None
                and _WORD_CHAR.match(text, start) is not None
            )
            glued_end = (
                kind != KIND_PREFIX
                and end < n
                and _WORD_CHAR.match(text, end) is not None
                and _WORD_CHAR.match(text, end - 1) is not None
            )
            # Most glued candidates sit beside characters no dictionary word
            # spans; only the rest need jieba's verdict on a window.
            if glued_start and not segment.crosses_word(text, start):
                glued_start = False
            if glued_end and not segment.crosses_word(text, end):
                glued_end = False
            if glued_start or glued_end:
                doubtful.append((cand, glued_start, glued_end))
            else:
                confirmed.append(cand)
        if not doubtful:
            return confirmed
        doubtful.sort(key=lambda item: item[0][0])
        # Merge overlapping windows so each stretch of text is segmented once.
        windows: list[list] = []
        for item in doubtful:
            start, end = item[0][0], item[0][1]
            lo, hi = max(0, start - _WINDOW), min(n, end + _WINDOW)
            if windows and lo <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], hi)
                windows[-1][2].append(item)
            else:
                windows.append([lo, hi, [item]])
        for lo, hi, items in windows:
            cuts = segment.boundaries(text, lo, hi)
            for cand, glued_start, glued_end in items:
                start, end, code, _kind = cand
                if (not glued_start or start in cuts) and (not glued_end or end in cuts):
                    confirmed.append(cand)
                else:
                    exemptions.append(
                        Exemption(
                            code, start, end, (original or text)[start:end], "",
                            "part of a longer word",
                        )
                    )
        return confirmed

    def _merge(
        self, text: str, spans: list[tuple[int, int, str]], original: str | None = None
    ) -> list[Finding]:
        """One finding per rule and stretch of text: overlapping hits are joined."""
        spans.sort(key=lambda s: (s[2], s[0], -s[1]))
        merged: list[list] = []
        for start, end, code in spans:
            last = merged[-1] if merged else None
            if last and last[2] == code and start < last[1] and end > last[0]:
                last[1] = max(last[1], end)
            elif last and last[2] == code and start == end == last[0] == last[1]:
                continue
            else:
                merged.append([start, end, code])
        findings = []
        for start, end, code in sorted(merged, key=lambda m: (m[0], m[1], m[2])):
            rule = self.rules[code]
            match = (original or text)[start:end]
            if rule.detector in detectors.MASKERS:
                match = detectors.MASKERS[rule.detector](text[start:end])
            findings.append(
                Finding(
                    rule=code, category=rule.category, severity=rule.severity,
                    start=start, end=end, match=match,
                    message_zh=rule.message_zh, message_en=rule.message_en,
                    basis_zh=rule.basis_zh, basis_en=rule.basis_en,
                )
            )
        return findings
