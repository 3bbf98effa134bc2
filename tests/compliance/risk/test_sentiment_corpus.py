"""The comment corpus that measures the sentiment model, and its frozen blind part (S3.2.1).

The blind part (sarcasm, complaints told as facts, questions, mixed reviews …) was
written and hashed before the model was retrained, and no training reads it.
"""

import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from compliance.risk import sentiment

CORPUS = sentiment.CORPUS_DIR
KINDS = {"sarcasm", "fact_complaint", "question", "mixed", "plain", "praise", "complaint"}
ROOT = Path(__file__).resolve().parents[3]


def _rows(part):
    return sentiment.load_corpus(CORPUS / f"{part}.jsonl")


def test_the_blind_part_still_has_its_recorded_hash():
    recorded = (CORPUS / "BLIND.sha256").read_text(encoding="utf-8").split()[0]

    assert hashlib.sha256((CORPUS / "blind.jsonl").read_bytes()).hexdigest() == recorded


@pytest.mark.parametrize("part", sentiment.CORPUS_PARTS)
def test_each_part_is_large_and_holds_every_hard_kind(part):
    rows = _rows(part)
    kinds = Counter(row["kind"] for row in rows)
    labels = Counter(row["label"] for row in rows)

    assert len(rows) >= 240
    assert set(kinds) == KINDS
    assert min(kinds[k] for k in ("sarcasm", "fact_complaint", "question", "mixed")) >= 20
    assert min(labels.values()) >= 60
    assert len({row["text"] for row in rows}) == len(rows)


def test_the_issues_examples_are_blind_lines():
    blind = {row["text"]: row["label"] for row in _rows("blind")}

    assert blind["好家伙，五百块买了个寂寞"] == "negative"
    assert blind["下单十天了物流还停在揽收"] == "negative"


def test_no_training_data_holds_a_blind_line():
    from tools.train_sentiment import project_rows

    blind = {row["text"] for row in _rows("blind")}
    labelled = {
        json.loads(line)["text"]
        for line in (ROOT / "tests/compliance/risk/sentiment_labelled.jsonl").read_text(
            encoding="utf-8"
        ).splitlines()
    }

    assert not blind & {row["text"] for row in project_rows()}
    assert not blind & labelled
    assert not blind & {row["text"] for row in _rows("dev")}


def test_the_shipped_model_does_better_than_the_one_before_on_the_blind_part():
    """Before this model: accuracy 0.876, negative precision 0.883, recall 0.883.

    The targets (0.9 accuracy, 0.92 negative precision and recall) are not met yet:
    docs/privacy-and-risk.md has the figures."""
    scores = sentiment.evaluate_corpus()["blind"]

    assert scores.n == 249
    assert scores.accuracy >= 0.876
    assert scores.negative_precision >= 0.883
    assert scores.negative_recall >= 0.883


def test_the_weights_were_fitted_by_scikit_learn_and_load_without_it():
    shipped = sentiment.load_model()
    script = (
        "import sys; sys.path.insert(0, '.');"
        "from compliance.risk.sentiment import score_sentiment;"
        "r = score_sentiment(['质量太差了', '非常满意']);"
        "assert [x.label for x in r] == ['negative', 'positive'], r;"
        "assert 'sklearn' not in sys.modules and 'snownlp' not in sys.modules"
    )

    assert shipped["training"]["fitted_by"].startswith("sklearn.linear_model.LogisticRegression")
    assert set(shipped["rules"]) == {
        "lexicon", "question", "complaint", "tail", "irony", "hedge", "claim"
    }
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True)


@pytest.mark.parametrize(("text", "features"), [
    ("外观挺好，但是用两天就坏了", {"tail": -1.2, "irony": 0.0}),
    ("好家伙，又是一个空盒子", {"irony": 1.0}),
    ("请问几号发货", {"question": 1.0, "irony": 0.0}),
    ("中规中矩，没什么亮点", {"hedge": 1.0, "claim": 0.0}),
    ("说是防水，淋了点雨就进水", {"claim": 1.0, "hedge": 0.0}),
    ("号称静音，吵得睡不着", {"claim": 1.0}),
    ("做工很好，推荐", {"hedge": 0.0, "claim": 0.0}),
])
def test_rule_features_read_the_last_clause_irony_hedges_and_claims(text, features):
    found = sentiment.rule_features(text, sentiment._get_automaton())

    assert {name: found[name] for name in features} == features
