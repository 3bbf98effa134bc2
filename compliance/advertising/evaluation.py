"""Measure the checker on a labelled corpus: precision and recall per rule family (S3.1.1).

The corpus (``tests/compliance/advertising/corpus/``) holds one JSON object per
line: the text, the platform it is written for, whether it is paid promotion
and has a filing, its verdict (``violation`` or ``clean``) and what a reviewer
expects to be found — each item a rule family (``AB``, ``MD`` …), optionally a
rule (``ID-02``), and the span of the offending words (``null`` for a finding
about the whole text, such as a missing "广告" label).

Scoring, per family:

* a finding is *correct* when the line expects its family and its span
  overlaps an expected span of that family (a ``null`` span accepts any
  finding of its family, or of its rule when one is named); any other finding
  — on a clean line, of another family, or elsewhere in the text — is a false
  alarm;
* an expected item is *found* when a correct finding overlaps it; a finding
  of the right family somewhere else in the text does not count.

Precision = correct findings / findings; recall = found items / expected items.
Warnings count like blocks: a reviewer reads both.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FAMILIES = ("AB", "ST", "MO", "MD", "FA", "SG", "ID", "PL", "PI")
PARTS = ("dev", "blind")


@dataclass(frozen=True)
class Expected:
    family: str
    span: tuple[int, int] | None
    rule: str = ""

    def accepts(self, rule: str, start: int, end: int) -> bool:
        """Whether a finding of ``rule`` at [start, end) is this item."""
        if rule.split("-")[0] != self.family:
            return False
        if self.span is None:
            return not self.rule or self.rule == rule
        return start < self.span[1] and self.span[0] < end


@dataclass(frozen=True)
class CorpusLine:
    id: str
    platform: str | None
    text: str
    verdict: str
    expect: tuple[Expected, ...]
    paid: bool = False
    filing: bool = False
    trap: str = ""

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> CorpusLine:
        items = tuple(
            Expected(
                family=item["family"],
                span=tuple(item["span"]) if item.get("span") is not None else None,
                rule=item.get("rule", ""),
            )
            for item in row.get("expect", [])
        )
        return cls(
            id=row["id"], platform=row.get("platform") or None, text=row["text"],
            verdict=row["verdict"], expect=items, paid=bool(row.get("paid")),
            filing=bool(row.get("filing")), trap=row.get("trap", ""),
        )


def load_corpus(path: Path) -> list[CorpusLine]:
    """The lines of one corpus file, in order."""
    with path.open(encoding="utf-8") as handle:
        return [CorpusLine.from_dict(json.loads(raw)) for raw in handle if raw.strip()]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class FilingInForce:
    """A filing that covers the line's platform today (the corpus says one exists)."""

    def covers(self, platform_code: str | None, on_date: datetime.date) -> bool:
        return True


@dataclass
class FamilyScore:
    expected: int = 0
    found: int = 0
    findings: int = 0
    correct: int = 0

    @property
    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.findings if self.findings else None


@dataclass
class LineOutcome:
    line: CorpusLine
    findings: list[tuple[str, int, int, str]]  # rule, start, end, match
    missed: list[Expected]
    false_alarms: list[tuple[str, int, int, str]]

    @property
    def ok(self) -> bool:
        return not self.missed and not self.false_alarms


@dataclass
class Report:
    families: dict[str, FamilyScore] = field(
        default_factory=lambda: {f: FamilyScore() for f in FAMILIES}
    )
    outcomes: list[LineOutcome] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return len(self.outcomes)

    @property
    def total(self) -> FamilyScore:
        total = FamilyScore()
        for score in self.families.values():
            total.expected += score.expected
            total.found += score.found
            total.findings += score.findings
            total.correct += score.correct
        return total

    def verdicts(self) -> dict[str, tuple[int, int]]:
        """(right, of) per verdict: a violation line with a finding, a clean line with none."""
        counts = {"violation": [0, 0], "clean": [0, 0]}
        for outcome in self.outcomes:
            flagged = bool(outcome.findings)
            right = flagged if outcome.line.verdict == "violation" else not flagged
            counts[outcome.line.verdict][0] += int(right)
            counts[outcome.line.verdict][1] += 1
        return {k: (v[0], v[1]) for k, v in counts.items()}

    def failures(self) -> list[LineOutcome]:
        return [o for o in self.outcomes if not o.ok]

    def as_dict(self) -> dict[str, Any]:
        total = self.total
        return {
            "lines": self.lines,
            "precision": total.precision,
            "recall": total.recall,
            "verdicts": {k: list(v) for k, v in self.verdicts().items()},
            "families": {
                name: {
                    "expected": s.expected, "found": s.found, "findings": s.findings,
                    "correct": s.correct, "precision": s.precision, "recall": s.recall,
                }
                for name, s in self.families.items()
            },
        }


Checker = Callable[[CorpusLine], Iterable[Any]]


def score_line(line: CorpusLine, findings: Iterable[Any], report: Report) -> LineOutcome:
    """Add one line's findings (objects with ``rule``, ``start``, ``end``, ``match``) to ``report``."""
    found = [(f.rule, f.start, f.end, f.match) for f in findings]
    false_alarms = []
    for rule, start, end, match in found:
        family = report.families.setdefault(rule.split("-")[0], FamilyScore())
        family.findings += 1
        if any(item.accepts(rule, start, end) for item in line.expect):
            family.correct += 1
        else:
            false_alarms.append((rule, start, end, match))
    missed = []
    for item in line.expect:
        family = report.families.setdefault(item.family, FamilyScore())
        family.expected += 1
        if any(item.accepts(rule, start, end) for rule, start, end, _m in found):
            family.found += 1
        else:
            missed.append(item)
    outcome = LineOutcome(line, found, missed, false_alarms)
    report.outcomes.append(outcome)
    return outcome


def evaluate(lines: Iterable[CorpusLine], check: Checker) -> Report:
    """Score ``check`` (a line → its findings) on ``lines``."""
    report = Report()
    for line in lines:
        score_line(line, check(line), report)
    return report


def checker_for(compiled: Any, *, today: datetime.date | None = None) -> Checker:
    """A corpus checker running ``compiled`` (a ``CompiledRules``) the way the doors do."""
    filing = FilingInForce()

    def check(line: CorpusLine) -> list[Any]:
        return compiled.check(
            line.text, platform=line.platform, is_paid_promotion=line.paid,
            filing=filing if line.filing else None, today=today,
        ).findings

    return check


def _pct(value: float | None) -> str:
    return "   —  " if value is None else f"{value * 100:5.1f}%"


def format_report(name: str, report: Report) -> list[str]:
    """A table of precision and recall per family, then the totals."""
    rows = [
        f"{name}: {report.lines} lines",
        f"  {'family':<7}{'expected':>9}{'found':>7}{'recall':>9}{'findings':>10}{'correct':>9}"
        f"{'precision':>11}",
    ]
    for family, s in report.families.items():
        if not (s.expected or s.findings):
            continue
        rows.append(
            f"  {family:<7}{s.expected:>9}{s.found:>7}{_pct(s.recall):>9}{s.findings:>10}"
            f"{s.correct:>9}{_pct(s.precision):>11}"
        )
    t = report.total
    rows.append(
        f"  {'all':<7}{t.expected:>9}{t.found:>7}{_pct(t.recall):>9}{t.findings:>10}{t.correct:>9}"
        f"{_pct(t.precision):>11}"
    )
    (v_right, v_all), (c_right, c_all) = report.verdicts()["violation"], report.verdicts()["clean"]
    rows.append(
        f"  lines: {v_right}/{v_all} violations flagged, {c_right}/{c_all} clean lines passed"
    )
    return rows


# --- the project's corpus ---------------------------------------------------------------

CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "compliance" / "advertising" / "corpus"
BLIND_HASH_FILE = "BLIND.sha256"


def blind_hash(directory: Path = CORPUS_DIR) -> tuple[str, str]:
    """(recorded, actual) SHA-256 of the blind part: equal while it stays frozen."""
    recorded = (directory / BLIND_HASH_FILE).read_text(encoding="utf-8").split()[0]
    return recorded, file_sha256(directory / "blind.jsonl")


def evaluate_corpus(
    compiled: Any, directory: Path = CORPUS_DIR, parts: Iterable[str] = PARTS,
    *, today: datetime.date | None = None,
) -> dict[str, Report]:
    """Each part of the corpus scored with ``compiled`` (a ``CompiledRules``)."""
    check = checker_for(compiled, today=today)
    return {part: evaluate(load_corpus(directory / f"{part}.jsonl"), check) for part in parts}
