"""The content checker's engine: compile a rule set once, scan texts fast (S3.1.1).

A text is first normalised (full-width forms made half-width) and *squeezed*:
spaces and filler punctuation inside a term (最 好 用, 全网最-低-价, T O P 1)
are dropped, keeping a map back to the original offsets. One Aho-Corasick pass
over the squeezed text then finds every candidate word, prefix and exemption
phrase, every part-of-speech anchor (最 followed by an adjective …) and every
trigger word of the patterns; a pattern (a regular expression that may name
the rule's word lists, ``{disease}``) runs only when one of its trigger words
was seen. Candidates glued to other word characters are confirmed by jieba on
a small window, never on the whole post. Detectors cover checks that are code
(IDs with a checksum, prize caps, disclosure). Everything here is pure: no
database.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

from . import detectors, segment

KIND_WORD = "word"
KIND_PREFIX = "prefix"
KIND_REGEX = "regex"
KIND_POS = "pos"
KIND_LEXICON = "lexicon"
KIND_EXEMPT = "exempt"
KIND_EXEMPT_REGEX = "exempt_regex"
KIND_EXEMPT_POS = "exempt_pos"

REGEX_KINDS = frozenset({KIND_REGEX, KIND_EXEMPT_REGEX})
POS_KINDS = frozenset({KIND_POS, KIND_EXEMPT_POS})
EXEMPT_KINDS = frozenset({KIND_EXEMPT, KIND_EXEMPT_REGEX, KIND_EXEMPT_POS})
# Automaton entries that are not candidates themselves: a pattern's rarest
# required strings, and its second ones.
_TRIGGER = "trigger"
_SECOND = "second"

# Characters that glue to a term to form a longer word; anything else
# (punctuation, spaces, emoji) is a word boundary without asking jieba.
_WORD_CHAR = re.compile(r"[\w\u3400-\u9fff\uf900-\ufaff]")
_WINDOW = 6

# Full-width digits, letters and a few symbols (１３８…, ＮＯ．１, ＋８６, １００％) are
# matched as their half-width twins. Chinese punctuation (，：（）) is left alone:
# rule data is written with it. One character maps to one, so offsets stay.
_FULLWIDTH = re.compile(r"[\uff03\uff05\uff0a\uff0b\uff0d\uff0e\uff0f\uff10-\uff19\uff21-\uff3a"
                        r"\uff3f\uff41-\uff5a\uff5c\uff5e\u3000]")
_TO_HALFWIDTH = {
    cp: cp - 0xFEE0
    for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
} | {
    0xFF03: 0x23, 0xFF05: 0x25, 0xFF0A: 0x2A, 0xFF0B: 0x2B, 0xFF0D: 0x2D, 0xFF0E: 0x2E,
    0xFF0F: 0x2F, 0xFF3F: 0x5F, 0xFF5C: 0x7C, 0xFF5E: 0x7E, 0x3000: 0x20,
}

# Filler inside a term: spaces, dots, dashes, stars and the like, between a
# Chinese character and a word character (最 好, 加 V, 第 1), between a letter
# and the digit after it (TOP 1, No. 1) or between single letters (T O P, N O). Clause
# punctuation (，。！？：) is never filler: it separates claims.
_FILL = r"[ \t\u00a0\u200b-\u200d\ufeff*·•・\-_~/\\|.丶^]+"
_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_FILL_RUN = re.compile(_FILL)
_CJK_CHAR = re.compile(_CJK)
_LETTER = re.compile(r"[A-Za-z]")
_DIGIT_CHAR = re.compile(r"[0-9]")
_WORDISH = re.compile(r"\w")


def _squeezable(text: str, start: int, end: int) -> bool:
    """Whether the filler run [start, end) sits inside a term (see ``_FILL``)."""
    if start == 0 or end >= len(text):
        return False
    before, after = text[start - 1], text[end]
    if _CJK_CHAR.match(before):
        return _WORDISH.match(after) is not None
    if _CJK_CHAR.match(after):
        return _WORDISH.match(before) is not None
    if not _LETTER.match(before):
        return False
    if _DIGIT_CHAR.match(after):
        return True
    # Single letters spaced out: T O P, N O.
    return (
        _LETTER.match(after) is not None
        and (start < 2 or not _LETTER.match(text[start - 2]))
        and (end + 1 >= len(text) or not _LETTER.match(text[end + 1]))
    )

# An exemption regex may name the part it clears with a group ``hit`` (the
# ranking word of a dated, sourced ranking); otherwise it clears its whole match.
# A pattern term may name the part it flags the same way.
EXEMPT_GROUP = "hit"
HIT_GROUP = EXEMPT_GROUP

# ``{name}`` in a pattern stands for the word list ``name`` of the same rule.
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_LEXICON_TERM = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*[:：]\s*(.+?)\s*$", re.DOTALL)
_LEXICON_SPLIT = re.compile(r"\s*[|、，,\n]\s*")
# jieba's part-of-speech tags (jieba.posseg), for validating ``pos`` terms.
POS_TAGS = frozenset({
    "a", "ad", "ag", "an", "b", "bg", "c", "d", "df", "dg", "e", "eng", "f", "g", "h", "i", "j",
    "k", "l", "m", "mg", "mq", "n", "ng", "nr", "nrfg", "nrt", "ns", "nt", "nz", "o", "p", "q",
    "r", "rg", "rr", "rz", "s", "t", "tg", "u", "ud", "ug", "uj", "ul", "uv", "uz", "v", "vd",
    "vg", "vi", "vn", "vq", "x", "y", "z", "zg",
})

# A sentence ends at these; a rule's ``unless`` explains only findings of its sentence.
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_NOTE_START = re.compile(r"\s*(?:[（(\[【*※注]|(?:数据)?来源)")
UNLESS_SCOPES = ("sentence", "text")

logger = logging.getLogger(__name__)


def normalise(text: str) -> str:
    """``text`` with full-width ASCII made half-width; same length, same offsets."""
    if _FULLWIDTH.search(text) is None:
        return text
    return text.translate(_TO_HALFWIDTH)


def squeeze(text: str) -> tuple[str, list[int] | None]:
    """``text`` without filler inside terms, and where each character came from.

    The map has one entry per kept character plus one for the end; it is None
    when nothing was dropped (the common case, and the fast one).
    """
    runs = [m.span() for m in _FILL_RUN.finditer(text) if _squeezable(text, *m.span())]
    if not runs:
        return text, None
    pieces: list[str] = []
    index: list[int] = []
    pos = 0
    for start, end in runs:
        pieces.append(text[pos:start])
        index.extend(range(pos, start))
        pos = end
    pieces.append(text[pos:])
    index.extend(range(pos, len(text)))
    index.append(len(text))
    return "".join(pieces), index


def squeeze_term(term: str) -> str:
    return squeeze(normalise(term))[0]


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


def parse_lexicon(text: str) -> tuple[str, list[str]] | None:
    """(name, words) of a word-list term ``name: word`` (several words separated by |), or None."""
    m = _LEXICON_TERM.match(text or "")
    if m is None:
        return None
    words = [w for w in _LEXICON_SPLIT.split(m.group(2)) if w]
    return (m.group(1), words) if words else None


def parse_pos(text: str) -> tuple[str, frozenset[str]] | None:
    """(anchor, tags) of a part-of-speech term ``最 : a ad v …``, or None when malformed."""
    anchor, sep, tags = (text or "").replace("：", ":").partition(":")
    anchor = anchor.strip()
    wanted = frozenset(tags.split())
    if not sep or not anchor or not wanted or not wanted <= POS_TAGS:
        return None
    return anchor, wanted


def expand(pattern: str, lexicons: dict[str, list[str]]) -> str:
    """``pattern`` with each ``{name}`` replaced by an alternation of that word list.

    Raises KeyError naming the first list the rule does not have.
    """

    def one(m: re.Match) -> str:
        words = lexicons[m.group(1)]
        ordered = sorted({squeeze_term(w) for w in words if w}, key=lambda w: (-len(w), w))
        return "(?:" + "|".join(re.escape(w) for w in ordered) + ")"

    return PLACEHOLDER.sub(one, pattern)


def term_error(text: str, kind: str, lexicons: Iterable[str] = ()) -> tuple[str, str] | None:
    """Why a term of ``kind`` cannot be used, as (reason, detail), or None when it can.

    ``lexicons`` names the word lists its rule has (for ``{name}`` in patterns).
    Reasons: ``lexicon_syntax``, ``pos_syntax``, ``unknown_list`` (detail: the
    name), ``regex`` (detail: the compiler's message).
    """
    if kind == KIND_LEXICON:
        return ("lexicon_syntax", "") if parse_lexicon(text) is None else None
    if kind in POS_KINDS:
        return ("pos_syntax", "") if parse_pos(text) is None else None
    if kind in REGEX_KINDS:
        known = set(lexicons)
        for name in PLACEHOLDER.findall(text):
            if name not in known:
                return "unknown_list", name
        error = regex_error(expand(text, {name: ["x"] for name in known}))
        return ("regex", error) if error is not None else None
    return None


def _parse(pattern: re.Pattern):
    try:
        from re import _constants, _parser  # private, hence the fallbacks
    except ImportError:  # pragma: no cover - other Python versions
        return None, None
    try:
        return _constants, _parser.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError, ValueError, RecursionError):  # pragma: no cover
        return None, None


def _required_literals(pattern: re.Pattern) -> str:
    """Characters every match of ``pattern`` contains.

    Literals of the top level, of groups, of repeats that must occur at least
    once, and those common to every branch of an alternation. A cheap ``in``
    test on them skips regexes that cannot match; when the pattern cannot be
    analysed the answer is empty and the regex always runs.
    """
    constants, parsed = _parse(pattern)
    if parsed is None:
        return ""

    def required(seq) -> set[str]:
        chars: set[str] = set()
        for op, arg in seq:
            if op is constants.LITERAL:
                chars.add(chr(arg).lower())
            elif op is constants.SUBPATTERN:
                chars |= required(arg[-1])
            elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT) and arg[0] >= 1:
                chars |= required(arg[2])
            elif op is constants.BRANCH:
                branches = [required(b) for b in arg[1]]
                if branches:
                    chars |= set.intersection(*branches)
        return chars

    try:
        return "".join(sorted(required(parsed)))
    except (TypeError, ValueError, IndexError, AttributeError):  # pragma: no cover
        return ""


_MAX_TRIGGERS = 400
# Characters past the Basic Multilingual Plane (emoji) are scanned as they are.
_SCAN_TABLE_SIZE = 0x10000
_SECOND_COST_MAX = 60_000
_MAX_PRODUCT = 64
# A pattern whose matches are at most this long runs on windows around its
# trigger words only; the margin leaves room for lookaheads past the match.
_WINDOWED_UP_TO = 80
_WINDOW_MARGIN = 32


def pattern_triggers(pattern: re.Pattern) -> frozenset[str] | None:
    """Strings of which every match of ``pattern`` contains at least one (see
    ``pattern_requirements``), or None when no such set is known."""
    required = pattern_requirements(pattern)
    return required[0] if required else None


def pattern_requirements(pattern: re.Pattern) -> list[frozenset[str]]:
    """Sets of strings such that every match of ``pattern`` contains one string of each.

    From the pattern's structure: adjacent literals, character classes and
    alternations of a few fixed strings are one string each (第[一1] gives 第一
    and 第1, 首(?:个|款) gives 首个 and 首款), any other alternation is the union
    of its branches. Of the pattern's top-level sequence the two elements whose
    strings are rarest in ordinary text (by jieba's dictionary frequencies) are
    kept, rarest first: the first places the windows the pattern runs on, and
    the pattern runs only when both are in the text. Lookarounds are never
    used, so each string lies inside the match. Empty when nothing is known
    (the pattern then runs on every text).
    """
    ranked = _ranked_requirements(pattern)
    # A second requirement pays only when its strings are rare: common ones (single
    # characters, 天 or 个) cost more to look for than the pattern costs to run.
    if len(ranked) > 1 and ranked[1][1] > _SECOND_COST_MAX:
        return [ranked[0][0]]
    return [option for option, _cost in ranked[:2]]


def looked_for_second(pattern: re.Pattern, looked_for: Collection[str]) -> frozenset[str] | None:
    """The second requirement ``pattern_requirements`` left out as too common to look
    for, when the scan looks for all its strings anyway (``looked_for``: terms and
    other patterns' triggers); then it costs nothing and still spares runs."""
    ranked = _ranked_requirements(pattern)
    if len(ranked) > 1 and ranked[1][0].issubset(looked_for):
        return ranked[1][0]
    return None


def _ranked_requirements(pattern: re.Pattern) -> list[tuple[frozenset[str], int]]:
    """The requirements of ``pattern`` (see ``pattern_requirements``), rarest first,
    each with its cost: how often its strings occur in ordinary text."""
    constants, parsed = _parse(pattern)
    if parsed is None:
        return []
    freq = segment.tokenizer().FREQ

    def frequency(piece: str) -> int:
        if piece.isascii() and (piece.isalnum() or len(piece) > 1):
            # Letters and digits are everywhere, and so are figures like 100%.
            return 1_000_000 // len(piece)
        if len(piece) == 1:
            # A character occurs inside many words (包 in 包装, 面包, 包邮): far
            # more often than its frequency as a word says.
            return 50 * freq.get(piece, 0) + 100_000
        return max(freq.get(piece, 0), 1)  # an unknown string is assumed rare

    def cost(option: frozenset[str]) -> tuple[int, int]:
        return sum(frequency(t) for t in option), -min(map(len, option))

    def usable(options: list[frozenset[str]]) -> list[frozenset[str]]:
        return sorted((o for o in options if o and len(o) <= _MAX_TRIGGERS), key=cost)

    def best(options: list[frozenset[str]]) -> frozenset[str] | None:
        ranked = usable(options)
        return ranked[0] if ranked else None

    def chars_of(arg) -> list[str] | None:
        chars = []
        for kind, value in arg:
            if kind is constants.LITERAL:
                chars.append(chr(value).lower())
            elif kind is constants.RANGE and value[1] - value[0] < 64:
                chars.extend(chr(c).lower() for c in range(value[0], value[1] + 1))
            else:
                return None
        return chars or None

    def of_item(op, arg) -> frozenset[str] | None:
        if op is constants.SUBPATTERN:
            return of_seq(arg[-1])
        if op in (constants.MAX_REPEAT, constants.MIN_REPEAT):
            return of_seq(arg[2]) if arg[0] >= 1 else None
        if op is constants.BRANCH:
            parts = [of_seq(b) for b in arg[1]]
            if any(p is None for p in parts):
                return None
            return frozenset().union(*parts)
        if op is constants.IN:
            chars = chars_of(arg)
            return frozenset(chars) if chars else None
        return None

    def spelled(op, arg) -> list[str] | None:
        """Every string the element can match, when they are few and none is empty.

        An alternation of words (首(?:个|位|款), (?:世界|全球|神)级) then joins
        the literals around it into whole strings (首个, 世界级): far rarer
        than the single character 首 or 级 they would otherwise be found by.
        """
        if op is constants.LITERAL:
            return [chr(arg).lower()]
        if op is constants.IN:
            chars = chars_of(arg)
            return chars if chars and len(chars) <= _MAX_PRODUCT else None
        if op in (constants.ASSERT, constants.ASSERT_NOT, constants.AT):
            return [""]  # matches no character: 一次过(?!…) still holds 一次过
        if op is constants.SUBPATTERN:
            return spelled_seq(arg[-1])
        if op is constants.BRANCH:
            found: set[str] = set()
            for branch in arg[1]:
                strings = spelled_seq(branch)
                if strings is None:
                    return None
                found.update(strings)
            return sorted(found) if len(found) <= _MAX_PRODUCT else None
        return None

    def spelled_seq(seq) -> list[str] | None:
        strings = [""]
        for op, arg in seq:
            options = spelled(op, arg)
            if options is None or len(strings) * len(options) > _MAX_PRODUCT:
                return None
            strings = [head + tail for head in strings for tail in options]
        return strings if "" not in strings else None

    def options_of(seq) -> list[frozenset[str]]:
        options: list[frozenset[str]] = []
        run: set[str] = set()

        def close() -> None:
            # A run that may be empty (an optional part came first) requires nothing.
            if run and "" not in run:
                options.append(frozenset(run))

        for op, arg in seq:
            extend = None
            repeated = None
            if op is constants.LITERAL:
                extend = [chr(arg).lower()]
            elif op is constants.IN:
                chars = chars_of(arg)
                if chars and len(chars) <= _MAX_PRODUCT:
                    extend = chars  # 首[个位…款] gives 首个 … 首款, [0-9]分 gives 0分 … 9分
            elif op in (constants.BRANCH, constants.SUBPATTERN):
                extend = spelled(op, arg)
            elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT):
                low, high, body = arg
                strings = spelled_seq(body)
                if strings is not None and low == 0 and high == 1 and run:
                    # 个? is nothing or 个. (Leading the run it would only shorten
                    # the strings after it: (?:全国)?第一 still holds 第一.)
                    extend = ["", *strings]
                elif strings is not None and low == high == 1:
                    extend = strings
                elif strings is not None and low >= 1:
                    repeated = strings
            if repeated is not None:
                # [一二三]{1,4}: its first repetition follows the run, its last one
                # comes right before what follows (白三个度: 白三, then 三个度).
                if run and len(run) * len(repeated) <= _MAX_PRODUCT:
                    run = {head + tail for head in run for tail in repeated}
                close()
                run = set(repeated)
                continue
            if extend is not None and len(run or {""}) * len(extend) <= _MAX_PRODUCT:
                run = {head + c for head in (run or {""}) for c in extend}
                continue
            close()
            run = set()
            if extend is not None:
                run = set(extend)
                continue
            found = of_item(op, arg)
            if found is not None:
                options.append(found)
        close()
        return options

    def of_seq(seq) -> frozenset[str] | None:
        return best(options_of(seq))

    try:
        ranked = usable(options_of(parsed))
    except (TypeError, ValueError, IndexError, AttributeError, RecursionError):  # pragma: no cover
        return []
    return [(option, cost(option)[0]) for option in ranked[:2]]


def pattern_reach(pattern: re.Pattern) -> int | None:
    """The longest match ``pattern`` can make, when short enough to run on windows."""
    _constants, parsed = _parse(pattern)
    if parsed is None:
        return None
    try:
        widest = parsed.getwidth()[1]
    except (TypeError, ValueError, AttributeError, RecursionError):  # pragma: no cover
        return None
    return widest if widest <= _WINDOWED_UP_TO else None


def _lang_is_zh(language: str | None) -> bool:
    return (language or "zh").lower().startswith("zh")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence holding [start, end), with a note in brackets right after it."""
    lo = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        lo = m.end()
    m = _SENTENCE_END.search(text, max(end, start))
    hi = m.start() if m else len(text)
    if m and _NOTE_START.match(text, m.end()):
        nxt = _SENTENCE_END.search(text, m.end())
        hi = nxt.start() if nxt else len(text)
    return lo, hi


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

    @property
    def unless_scope(self) -> str:
        """``sentence`` (default): ``unless`` explains the findings of its own sentence;
        ``text``: a statement anywhere in the text explains them all (a disclaimer)."""
        scope = (self.params or {}).get("unless_scope", "sentence")
        return scope if scope in UNLESS_SCOPES else "sentence"


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


@dataclass(frozen=True)
class _Regex:
    code: str
    pattern: re.Pattern
    needs: str
    note: str = ""
    reach: int | None = None  # the longest match, when it runs on windows

    @property
    def hit(self) -> bool:
        return HIT_GROUP in self.pattern.groupindex


class CompiledRules:
    """A rule set turned into one automaton plus patterns; build once per version."""

    def __init__(
        self, rules: Iterable[RuleSpec], terms: Iterable[TermSpec], version: int | None = None,
        key: Any = None,
    ) -> None:
        self.version = version
        self.key = key
        self.rules: dict[str, RuleSpec] = {r.code: r for r in rules}
        terms_seen = [t for t in terms if t.rule in self.rules and t.text]
        lexicons: dict[str, dict[str, list[str]]] = {}
        for term in terms_seen:
            if term.kind == KIND_LEXICON:
                parsed = parse_lexicon(term.text)
                if parsed is None:
                    logger.warning("Skipping malformed word list of %s %r", term.rule, term.text)
                    continue
                lexicons.setdefault(term.rule, {}).setdefault(parsed[0], []).extend(parsed[1])
        self.lexicons = lexicons

        entries: dict[str, list[tuple]] = {}
        regexes: list[_Regex] = []
        exempt_regexes: list[_Regex] = []
        words: set[str] = set()
        for term in terms_seen:
            kind = term.kind
            if kind == KIND_LEXICON:
                continue
            if kind in REGEX_KINDS:
                try:
                    source = expand(term.text, lexicons.get(term.rule, {}))
                    pattern = re.compile(source, re.IGNORECASE)
                except (re.error, KeyError) as exc:
                    # Forms refuse broken patterns; one that slipped in (a raw
                    # database edit) must not take the checker down, but is logged.
                    logger.warning("Skipping invalid pattern of %s %r: %s", term.rule, term.text, exc)
                    continue
                item = _Regex(
                    term.rule, pattern, _required_literals(pattern), term.note,
                    pattern_reach(pattern),
                )
                (regexes if kind == KIND_REGEX else exempt_regexes).append(item)
                continue
            extra: Any = None
            text = term.text
            if kind in POS_KINDS:
                parsed = parse_pos(term.text)
                if parsed is None:
                    logger.warning("Skipping malformed pattern of %s %r", term.rule, term.text)
                    continue
                text, extra = parsed
            key_text = squeeze_term(text).lower()
            if not key_text:
                continue
            values = entries.setdefault(key_text, [])
            if all((v[0], v[1]) != (kind, term.rule) for v in values):
                values.append((kind, term.rule, term.note, extra))
            if kind in (KIND_WORD, KIND_PREFIX):
                words.add(squeeze_term(text))
        self.regexes = regexes
        self.exempt_regexes = exempt_regexes
        self.all_patterns = [*regexes, *exempt_regexes]

        # An exemption phrase matters only where a term or pattern could hit
        # inside it; the others are left out of the automaton so that ordinary
        # words cost nothing at scan time.
        term_keys = [k for k, vs in entries.items() if any(v[0] != KIND_EXEMPT for v in vs)]
        for key_text, values in list(entries.items()):
            if any(v[0] != KIND_EXEMPT for v in values):
                continue
            if not (
                any(t in key_text for t in term_keys)
                or any(r.pattern.search(key_text) for r in regexes)
            ):
                del entries[key_text]

        # A pattern runs only when one of its trigger strings is in the text.
        self.always: list[int] = []
        self.always_runs: dict[int, None] = {}
        # Patterns that also need a second string in the text before they run.
        self.needs_second: set[int] = set()
        by_trigger: dict[str, list[int]] = {}
        by_second: dict[str, list[int]] = {}
        # What the scan looks for whatever the second requirements: terms and every
        # pattern's first requirement (a disease list that triggers one pattern is
        # then the free second requirement of another, in front of 好了 or 就好).
        requirements = [pattern_requirements(item.pattern) for item in self.all_patterns]
        looked_for = set(entries).union(*(required[0] for required in requirements if required))
        for number, item in enumerate(self.all_patterns):
            required = requirements[number]
            if len(required) == 1 and (second := looked_for_second(item.pattern, looked_for)):
                required = [required[0], second]
            if not required:
                self.always.append(number)
                continue
            for trigger in required[0]:
                by_trigger.setdefault(trigger, []).append(number)
            if len(required) > 1:
                self.needs_second.add(number)
                for trigger in required[1]:
                    by_second.setdefault(trigger, []).append(number)
        self.always_runs = dict.fromkeys(self.always)
        # One entry per string, whatever the number of patterns it concerns.
        for trigger, numbers in by_trigger.items():
            entries.setdefault(trigger, []).append((_TRIGGER, "", "", tuple(numbers)))
        for trigger, numbers in by_second.items():
            entries.setdefault(trigger, []).append((_SECOND, "", "", tuple(numbers)))
        self.scoped = {r.code: r.platforms for r in self.rules.values() if r.platforms}
        # Each string's entries sorted once here, so that the scan does the least
        # per hit: (length, patterns it triggers, patterns it is the second string
        # of, its own terms and exemptions with the platforms their rule is
        # limited to). Terms keep their order, so candidates and exemptions come
        # out in the same order as before.
        self.automaton = ahocorasick.Automaton()
        self._scan_table: list[int] | None = None
        for key_text, values in self._scan_order(entries):
            if values is None:
                self.automaton.add_word(key_text, None)
                continue
            triggers = seconds = None
            own = []
            for kind, code, note, extra in values:
                if kind == _TRIGGER:
                    triggers = extra
                elif kind == _SECOND:
                    seconds = extra
                else:
                    own.append((kind, code, note, extra, self.scoped.get(code)))
            self.automaton.add_word(key_text, (len(key_text), triggers, seconds, tuple(own)))
        if entries:
            self.automaton.make_automaton()
        self.has_terms = bool(entries)
        # An exemption clears hits of its own rule only; a rule that is nothing
        # but exemptions (AB-05, the guideline's list) clears the rules of its
        # category (the AB rules), never another category's hit.
        has_terms = {t.rule for t in terms_seen if t.kind not in EXEMPT_KINDS | {KIND_LEXICON}}
        self.exempts_for: dict[str, frozenset[str]] = {}
        for code, rule in self.rules.items():
            if code in has_terms or rule.detector:
                self.exempts_for[code] = frozenset({code})
            else:
                self.exempts_for[code] = frozenset(
                    {c for c, r in self.rules.items() if r.category == rule.category}
                )
        self.detector_rules = [r for r in self.rules.values() if r.detector]
        # What every finding of a rule says, in Finding's field order, and how its
        # matched text is masked (phones, IDs), looked up once per rule set.
        self._finding_fields = {
            code: (r.category, r.severity, r.message_zh, r.message_en, r.basis_zh, r.basis_en,
                   detectors.MASKERS.get(r.detector))
            for code, r in self.rules.items()
        }
        # (rule, its detector, whether it can fire on paid promotion only); a rule
        # naming a detector that does not exist finds nothing, as before.
        self.detector_calls = [
            (r, detect, r.detector in detectors.PAID_ONLY)
            for r in self.detector_rules
            if (detect := detectors.detector(r.detector)) is not None
        ]
        # What the scan needs of each pattern, looked up once: the pattern, the
        # platforms its rule is limited to, and its required characters.
        self._regex_runs = [
            (item, self.scoped.get(item.code), tuple(item.needs), item.hit) for item in regexes
        ]
        # Rules whose ``unless`` may explain their findings away; the others need no look.
        self._with_unless = frozenset(code for code, r in self.rules.items() if r.unless is not None)
        segment.teach_words(words)

    def _scan_order(self, entries: dict[str, list[tuple]]) -> list[tuple[str, list[tuple] | None]]:
        """The automaton's strings in the order that makes its scan cheap, with a few
        strings of its own that never match (their value is None).

        pyahocorasick looks a character up among a node's children one by one, and
        at the root that is hundreds of children for every character of the text.
        So every character the strings use becomes a child of the root, common
        characters first (a string ``c`` + a character the scanned text never
        holds), and the text is scanned with every other character replaced by
        one placeholder, the root's first child (``_scan_table``). What matches
        where is unchanged: only strings made of the replaced characters could
        have matched them, and there are none.
        """
        ordered: list[tuple[str, list[tuple] | None]] = list(entries.items())
        alphabet = {char for key_text in entries for char in key_text}
        spare = [chr(c) for c in range(1, 32) if chr(c) not in alphabet]
        if len(spare) < 2 or not all(ord(char) < _SCAN_TABLE_SIZE for char in alphabet):
            return ordered  # no characters to spare: scan the text as it is
        placeholder, never = spare[0], spare[1]
        counts = segment.char_counts()

        def rank(char: str) -> int:
            if char == placeholder:
                return -(1 << 62)
            if not _CJK_CHAR.match(char):
                return -(1 << 61)  # digits, letters and punctuation are everywhere
            return -counts.get(char, 0)

        firsts = {key_text[0] for key_text in entries}
        ordered.extend((char + never, None) for char in sorted(alphabet - firsts) + [placeholder])
        ordered.sort(key=lambda item: [rank(char) for char in item[0]])
        table = [ord(placeholder)] * _SCAN_TABLE_SIZE
        for char in alphabet:
            table[ord(char)] = ord(char)
        self._scan_table = table
        return ordered

    # -- scanning ---------------------------------------------------------------------
    def _applies(self, code: str, platform: str | None) -> bool:
        scoped = self.scoped.get(code)
        return scoped is None or platform in scoped

    def check(
        self,
        text: str,
        *,
        platform: str | None = None,
        is_paid_promotion: bool = False,
        filing: Any = None,
        today: datetime.date | None = None,
    ) -> CheckResult:
        original = text
        text = normalise(text)
        work, index = squeeze(text)
        lowered = work.lower()
        if len(lowered) != len(work):  # a few characters change length when lowered
            lowered = work

        def to_text(start: int, end: int) -> tuple[int, int]:
            if index is None:
                return start, end
            if end <= start:
                return index[start], index[start]
            return index[start], index[end - 1] + 1

        candidates: list[tuple[int, int, str, str]] = []  # start, end, rule, kind (work offsets)
        # start, end, rule, match start, match end, note, clears part-of-speech hits only
        exempt_spans: list[tuple[int, int, str, int, int, str, bool]] = []
        # pattern number → where its trigger words are (None: run on the whole text)
        # (Patterns that always run have no trigger strings: no trigger hit lands on their None.)
        triggered: dict[int, list[tuple[int, int]] | None] = defaultdict(list, self.always_runs)
        seconds: dict[int, list[tuple[int, int]]] = defaultdict(list)
        if self.has_terms:
            scanned = lowered.translate(self._scan_table) if self._scan_table is not None else lowered
            for end_index, (length, trigger_of, second_of, own) in self.automaton.iter(scanned):
                end = end_index + 1
                start = end - length
                if trigger_of is not None:
                    span = (start, end)
                    for number in trigger_of:
                        triggered[number].append(span)
                if second_of is not None:
                    span = (start, end)
                    for number in second_of:
                        seconds[number].append(span)
                for kind, code, note, extra, scoped in own:
                    if kind == KIND_EXEMPT:
                        exempt_spans.append((start, end, code, start, end, note, False))
                    elif kind == KIND_EXEMPT_POS:
                        stop = _pos_exemption(work, start, end, extra)
                        if stop:
                            exempt_spans.append((start, stop, code, start, stop, note, True))
                    elif scoped is not None and platform not in scoped:
                        continue
                    elif kind == KIND_POS:
                        word = segment.next_word(work, end)
                        if word is not None and word[1] in extra:
                            candidates.append((start, end + len(word[0]), code, KIND_POS))
                    else:
                        candidates.append((start, end, code, kind))
        all_patterns = self.all_patterns
        for number in self.needs_second.intersection(triggered):
            others = seconds.get(number)
            hits = triggered[number]
            reach = all_patterns[number].reach
            if others is None:
                del triggered[number]
            elif hits is not None and reach is not None:
                # Both required strings lie inside one match: keep the triggers that
                # have the second one within reach.
                near = [
                    (ts, te) for ts, te in hits
                    if any(max(te, oe) - min(ts, os_) <= reach for os_, oe in others)
                ]
                if near:
                    triggered[number] = near
                else:
                    del triggered[number]
        n_regex = len(self.regexes)
        regex_runs = self._regex_runs
        for number in sorted(n for n in triggered if n < n_regex):
            item, scoped, needs, hit = regex_runs[number]
            if scoped is not None and platform not in scoped:
                continue
            if needs and not _has_all(lowered, needs):
                continue
            code = item.code
            for m in _matches(item, work, triggered[number]):
                lo, hi = m.span(HIT_GROUP) if hit else m.span()
                if hi > lo >= 0:
                    candidates.append((lo, hi, code, KIND_REGEX))
        exempts_for = self.exempts_for
        # The first exemption phrase that clears each candidate, looked up once:
        # exemption regexes only add spans after these, so a candidate cleared
        # here is cleared by the same one below.
        covers: list[tuple | None] = (
            [_cover(exempt_spans, c, exempts_for) for c in candidates] if exempt_spans
            else [None] * len(candidates)
        )
        phrase_spans = len(exempt_spans)
        if candidates:
            # An exemption regex runs only when a rule it may clear has a
            # candidate that no exemption phrase has cleared already.
            open_cands = [c for c, cover in zip(candidates, covers, strict=True) if cover is None]
            cand_codes = {c[2] for c in open_cands}
            for number in sorted(n for n in triggered if n >= n_regex):
                item = self.exempt_regexes[number - n_regex]
                clears = exempts_for[item.code]
                if cand_codes.isdisjoint(clears):
                    continue
                if item.needs and not _has_all(lowered, item.needs):
                    continue
                hits = triggered[number]
                if hits is not None and item.reach is not None:
                    # A match clears a candidate only by covering it, trigger and
                    # candidate both inside one match: drop triggers far from all.
                    reach = item.reach
                    spans = [(c[0], c[1]) for c in open_cands if c[2] in clears]
                    hits = [
                        (ts, te) for ts, te in hits
                        if any(max(te, ce) - min(ts, cs) <= reach for cs, ce in spans)
                    ]
                    if not hits:
                        continue
                for m in _matches(item, work, hits):
                    lo, hi = m.span(EXEMPT_GROUP) if item.hit else m.span()
                    if lo >= 0:
                        exempt_spans.append((lo, hi, item.code, m.start(), m.end(), item.note, False))

        # (rule, start, end, match, exempted by, reason): made into Exemptions at the
        # end, once those inside a finding of their own rule are left out.
        exemptions: list[tuple[str, int, int, str, str, str]] = []
        kept: list[tuple[int, int, str, str]] = []
        added = exempt_spans[phrase_spans:]
        for cand, cover in zip(candidates, covers, strict=True):
            start, end, code, _kind = cand
            if cover is None and added:
                cover = _cover(added, cand, exempts_for)
            if cover is not None:
                s, e = to_text(start, end)
                ms, me = to_text(cover[3], cover[4])
                exemptions.append((code, s, e, original[s:e], original[ms:me], cover[5]))
                continue
            kept.append(cand)
        confirmed = self._confirm_boundaries(work, kept, exemptions, original, to_text)

        unless_cache: dict[str, bool] = {}
        spans: list[tuple[int, int, str]] = []
        with_unless = self._with_unless
        for start, end, code, _kind in confirmed:
            s, e = to_text(start, end)
            if code not in with_unless or not self._explained(code, text, s, e, unless_cache):
                spans.append((s, e, code))
        for rule, detect, paid_only in self.detector_calls:
            if paid_only and not is_paid_promotion:
                continue
            if rule.platforms and platform not in rule.platforms:
                continue
            if rule.unless is not None and self._explained(rule.code, text, 0, 0, unless_cache, whole=True):
                continue
            code = rule.code
            spans.extend(
                (s, e, code)
                for s, e in detect(
                    text, params=rule.params, platform=platform,
                    is_paid_promotion=is_paid_promotion, filing=filing, today=today,
                )
            )
        findings = self._merge(text, spans, original)
        if exemptions and findings:
            # A piece of a flagged word (最低 in 最低价) is not an exemption worth listing.
            flagged = [(f.rule, f.start, f.end) for f in findings]
            exemptions = [
                x for x in exemptions
                if not any(rule == x[0] and start <= x[1] and x[2] <= end for rule, start, end in flagged)
            ]
        return CheckResult(findings, [Exemption(*x) for x in exemptions], self.version)

    def _explained(
        self, code: str, text: str, start: int, end: int, cache: dict[str, bool],
        *, whole: bool = False,
    ) -> bool:
        """Whether the rule's ``unless`` explains a finding at [start, end)."""
        rule = self.rules[code]
        pattern = rule.unless
        if pattern is None:
            return False
        if whole or rule.unless_scope == "text":
            if code not in cache:
                cache[code] = pattern.search(text) is not None
            return cache[code]
        lo, hi = sentence_bounds(text, start, end)
        return pattern.search(text, lo, hi) is not None

    def _confirm_boundaries(
        self, text: str, candidates: list[tuple[int, int, str, str]], exemptions: list[tuple],
        original: str, to_text: Any,
    ) -> list[tuple[int, int, str, str]]:
        """Keep candidates that are whole words; segment only around doubtful ones."""
        n = len(text)
        confirmed = []
        doubtful = []
        for cand in candidates:
            start, end, _code, kind = cand
            if kind in (KIND_REGEX, KIND_POS):  # their own boundaries
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
                    s, e = to_text(start, end)
                    exemptions.append((code, s, e, original[s:e], "", "part of a longer word"))
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
        shown = original or text
        describe = self._finding_fields
        for start, end, code in sorted(merged, key=lambda m: (m[0], m[1], m[2])):
            category, severity, message_zh, message_en, basis_zh, basis_en, mask = describe[code]
            match = mask(text[start:end]) if mask is not None else shown[start:end]
            findings.append(
                Finding(code, category, severity, start, end, match, message_zh, message_en, basis_zh, basis_en)
            )
        return findings


def _matches(
    item: _Regex, text: str, hits: list[tuple[int, int]] | None
) -> Iterable[re.Match]:
    """Matches of a pattern: on windows around its trigger words when its matches
    are short (every match holds a trigger), else on the whole text."""
    reach = item.reach
    n = len(text)
    if hits is None or reach is None or n <= 2 * reach + _WINDOW_MARGIN:
        return item.pattern.finditer(text)
    if len(hits) == 1:
        start, end = hits[0]
        w_lo = start - reach if start > reach else 0
        w_hi = end + reach + _WINDOW_MARGIN
        if w_hi >= n:
            return item.pattern.finditer(text, w_lo)
        # Most windows hold no match: one search says so without building an iterator.
        first = item.pattern.search(text, w_lo, w_hi)
        if first is None:
            return ()
        limit = w_hi - _WINDOW_MARGIN
        return [m for m in item.pattern.finditer(text, w_lo, w_hi) if m.end() <= limit]
    windows: list[list[int]] = []
    for start, end in sorted(hits):
        w_lo = start - reach if start > reach else 0
        w_hi = end + reach + _WINDOW_MARGIN
        if windows and w_lo <= windows[-1][1]:
            if w_hi > windows[-1][1]:
                windows[-1][1] = w_hi
        else:
            windows.append([w_lo, w_hi])
    found: dict[tuple[int, int], re.Match] = {}
    finditer, search = item.pattern.finditer, item.pattern.search
    for w_lo, w_hi in windows:
        if search(text, w_lo, w_hi) is None:
            continue
        last = w_hi >= n
        for m in finditer(text, w_lo, w_hi):
            # Near the window's end a match may be cut short: keep only those
            # that end within reach of a trigger.
            if last or m.end() <= w_hi - _WINDOW_MARGIN:
                found.setdefault(m.span(), m)
    return [found[span] for span in sorted(found)] if len(found) > 1 else list(found.values())


def _has_all(text: str, chars: Iterable[str]) -> bool:
    return all(map(text.__contains__, chars))  # no generator frame: this runs per pattern


def _cover(
    exempt_spans: list[tuple[int, int, str, int, int, str, bool]],
    cand: tuple[int, int, str, str],
    exempts_for: dict[str, frozenset[str]],
) -> tuple | None:
    """The first exemption that clears ``cand``: it covers the span, may clear the
    rule, and (a part-of-speech exemption) the candidate is a part-of-speech hit."""
    start, end, code, kind = cand
    for x in exempt_spans:
        if x[0] <= start and end <= x[1] and code in exempts_for[x[2]] and (
            not x[6] or kind == KIND_POS
        ):
            return x
    return None


def _pos_exemption(text: str, start: int, end: int, tags: frozenset[str]) -> int:
    """Where a part-of-speech exemption ending at ``end`` stops, or 0 when it does not apply.

    The anchor must be a word of its own where it stands (最好 in 最好冷藏, not in
    最好看) and be followed by a word with one of ``tags``.
    """
    if not segment.ends_word(text, start, end):
        return 0
    word = segment.next_word(text, end)
    if word is None or word[1] not in tags:
        return 0
    return end + len(word[0])
