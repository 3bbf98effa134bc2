"""Offline sentiment scoring for comments and messages (spec S3.2.1).

A lexicon + rules scorer, no model download: sentiment words with weights,
degree adverbs, negators that flip the polarity of a word shortly after them,
contrast words (但是…) that let the later clause dominate, and question
patterns (请问…, 什么时候发货) that damp sentiment unless the text complains
(为什么还不发货). The tokenizer is a longest-match scan over the lexicon with
an Aho-Corasick automaton, so phrases such as 不错, 没问题 or 不会再买 win over
their parts and ordinary words such as 快递 shield their characters.

The summed evidence ``s`` becomes a probability of "positive" with a logistic
function, ``score = 1 / (1 + exp(-K * s))``; 0.5 means no evidence.

The lexicon lives in ``sentiment_data/lexicon.tsv`` (data, not code).

A text with no lexicon evidence at all (an implicit complaint such as
"到手只有一个") falls back to a small character-bigram Naive Bayes model,
``sentiment_data/fallback_nb.json``, built from the training portion of the
labelled set (every line except each 5th) with
``python -m compliance.sentiment build tests/compliance/sentiment_labelled.jsonl``.
Questions without evidence stay neutral.
"""

from __future__ import annotations

import json
import math
import re
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import ahocorasick

__all__ = [
    "NEGATIVE",
    "NEUTRAL",
    "POSITIVE",
    "SentimentResult",
    "label_for_score",
    "score_sentiment",
    "score_text",
]

NEGATIVE = "negative"
NEUTRAL = "neutral"
POSITIVE = "positive"

DATA_DIR = Path(__file__).resolve().parent / "sentiment_data"
LEXICON_PATH = DATA_DIR / "lexicon.tsv"
FALLBACK_PATH = DATA_DIR / "fallback_nb.json"
# Scores given by the fallback model: clear of the label cut-offs, but less
# confident than most lexicon verdicts.
FALLBACK_MARGIN = 2.0  # nats the winner must lead "neutral" by
FALLBACK_SCORES = {"negative": 0.3, "neutral": 0.5, "positive": 0.7}

# Logistic slope and the label cut-offs on the resulting probability.
K = 1.5
NEGATIVE_BELOW = 0.35
POSITIVE_ABOVE = 0.65
# How many characters may separate a negator or degree adverb from its word.
WINDOW = 3
# A question without complaint keeps this share of its sentiment.
QUESTION_DAMPING = 0.3
# A negated negative word becomes a (weaker) positive one: 不贵, 没有色差.
NEGATED_NEGATIVE = 0.8
# A strong negator (根本没, 一点都不) with no sentiment word after it in its
# clause is a complaint on its own: 根本没来, 根本没收到.
STRONG_NEGATOR = 1.3
BARE_STRONG_NEGATION = -1.0
# "V不X" result complements say something could not be done: 充不满, 吃不下.
INABILITY = -0.8

_QUESTION_RE = re.compile(
    r"[?？]|请问|吗|什么时候|多久|怎么|能不能|可不可以|有没有|是不是|哪|几[天号点时]|多少|想问"
)
_INABILITY_RE = re.compile(r"[\u4e00-\u9fff]不[了上下满动开着到进住完清懂]")
_COMPLAINT_RE = re.compile(
    r"为什么|为啥|凭什么|到底|怎么还|怎么又|还不|还没(?:到|发|处理|动静|收到|回复|退)|催|等了"
)


@dataclass(frozen=True)
class SentimentResult:
    score: float  # probability of positive, in [0, 1]
    label: str  # negative / neutral / positive

    def as_dict(self) -> dict:
        return asdict(self)


def label_for_score(score: float) -> str:
    if score < NEGATIVE_BELOW:
        return NEGATIVE
    if score > POSITIVE_ABOVE:
        return POSITIVE
    return NEUTRAL


_automaton: ahocorasick.Automaton | None = None
_fallback: dict | None = None
_lock = threading.Lock()


def _load(path: Path = LEXICON_PATH) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw or raw.startswith("#"):
            continue
        term, kind, value = raw.split("\t")
        # Lowercase so that "Good" and "good" match the same entry.
        automaton.add_word(term.lower(), (len(term), kind, float(value)))
    automaton.make_automaton()
    return automaton


def _get_automaton() -> ahocorasick.Automaton:
    global _automaton, _fallback
    if _automaton is None:
        with _lock:
            if _automaton is None:
                _fallback = _load_fallback()
                _automaton = _load()
    return _automaton


# --- fallback: character-bigram Naive Bayes --------------------------------

def _grams(text: str) -> list[str]:
    han = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    return [han[i:i + 2] for i in range(len(han) - 1)] + list(han)


def build_fallback_model(rows: list[dict]) -> dict:
    """Counts per label for ``rows`` of ``{"text", "label"}`` (add-one smoothing at use)."""
    labels: dict[str, dict] = {}
    for row in rows:
        entry = labels.setdefault(row["label"], {"docs": 0, "counts": {}})
        entry["docs"] += 1
        for gram in _grams(row["text"]):
            entry["counts"][gram] = entry["counts"].get(gram, 0) + 1
    vocabulary = set()
    for entry in labels.values():
        vocabulary.update(entry["counts"])
    return {"vocabulary": len(vocabulary), "labels": labels}


def _load_fallback(path: Path = FALLBACK_PATH) -> dict | None:
    if not path.exists():
        return None
    model = json.loads(path.read_text(encoding="utf-8"))
    docs = sum(entry["docs"] for entry in model["labels"].values())
    prepared = {}
    for label, entry in model["labels"].items():
        total = sum(entry["counts"].values()) + model["vocabulary"]
        prepared[label] = (
            math.log(entry["docs"] / docs),
            {g: math.log((n + 1) / total) for g, n in entry["counts"].items()},
            math.log(1 / total),
        )
    return prepared


def _fallback_label(text: str) -> str | None:
    if not _fallback:
        return None
    grams = _grams(text)
    if not grams:
        return None
    scores = {
        label: prior + sum(logs.get(g, unseen) for g in grams)
        for label, (prior, logs, unseen) in _fallback.items()
    }
    best = max(scores, key=scores.get)
    # Leaving "neutral" needs a clear margin: a plain remark must not turn negative.
    if best != NEUTRAL and scores[best] - scores.get(NEUTRAL, -math.inf) < FALLBACK_MARGIN:
        return NEUTRAL
    return best


def _evidence(text: str, automaton: ahocorasick.Automaton) -> float:
    total = 0.0
    neg_end = -100  # where the last negator ended
    neg_strength = 0.0
    deg_end = -100
    degree = 1.0
    bare_strong = False  # a strong negator still waiting for its word
    covered: list[tuple[int, int]] = []  # lexicon spans, so inability does not double-count
    for end, (length, kind, value) in automaton.iter_long(text):
        start = end - length + 1
        if kind == "s":
            covered.append((start, end))
            if value:
                weight = value
                if start - deg_end <= WINDOW:
                    weight *= degree
                if start - neg_end <= WINDOW:
                    weight = -weight * neg_strength if weight > 0 else -weight * NEGATED_NEGATIVE
                total += weight
            neg_end = deg_end = -100
            bare_strong = False
        elif kind == "n":
            if bare_strong:
                total += BARE_STRONG_NEGATION
            neg_end, neg_strength = end + 1, value
            bare_strong = value >= STRONG_NEGATOR
        elif kind == "d":
            deg_end, degree = end + 1, value
        else:  # contrast or clause break
            if bare_strong:
                total += BARE_STRONG_NEGATION
                bare_strong = False
            if kind == "c":
                total *= value
            neg_end = deg_end = -100
    if bare_strong:
        total += BARE_STRONG_NEGATION
    if "不" in text:
        for match in _INABILITY_RE.finditer(text):
            at = match.start() + 1  # the 不
            if not any(a <= at <= b for a, b in covered):
                total += INABILITY
    return total


def score_text(text: str) -> SentimentResult:
    return score_sentiment([text])[0]


def score_sentiment(texts: list[str]) -> list[SentimentResult]:
    """Score each text: probability of positive in [0, 1] and a label (S3.2.1)."""
    automaton = _get_automaton()
    results = []
    question = _QUESTION_RE.search
    complaint = _COMPLAINT_RE.search
    for text in texts:
        lowered = text.lower()
        s = _evidence(lowered, automaton)
        if s and question(lowered) and not complaint(lowered):
            s *= QUESTION_DAMPING
        elif not s and not question(lowered):
            fallback = _fallback_label(lowered)
            if fallback is not None:
                results.append(SentimentResult(score=FALLBACK_SCORES[fallback], label=fallback))
                continue
        score = 1.0 / (1.0 + math.exp(-K * s))
        results.append(SentimentResult(score=round(score, 4), label=label_for_score(score)))
    return results


def training_rows(rows: list[dict]) -> list[dict]:
    """The lines the fallback learns from: all but every 5th, which stays held out."""
    return [row for i, row in enumerate(rows) if i % 5 != 4]


if __name__ == "__main__":  # python -m compliance.sentiment build LABELLED.jsonl
    if len(sys.argv) != 3 or sys.argv[1] != "build":
        sys.exit("usage: python -m compliance.sentiment build LABELLED.jsonl")
    with open(sys.argv[2], encoding="utf-8") as handle:
        labelled = [json.loads(line) for line in handle if line.strip()]
    model = build_fallback_model(training_rows(labelled))
    FALLBACK_PATH.write_text(
        json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
        encoding="utf-8",
    )
    print(f"fallback model: {len(training_rows(labelled))} training lines -> {FALLBACK_PATH}")
