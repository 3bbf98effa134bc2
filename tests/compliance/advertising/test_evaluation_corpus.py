"""The labelled corpus that measures the checker, its frozen blind part, and the figures (S3.1.1).

The blind part was written before the rules changed and is never tuned on: these
tests keep it unchanged and hold the shipped rules to the targets on it.
"""

import io
import json
import shutil
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from compliance.advertising import evaluation
from compliance.advertising.checker.shipped import compile_shipped

CORPUS = evaluation.CORPUS_DIR
PLATFORMS = {
    "wechat_oa", "wechat_channels", "weibo", "douyin", "xiaohongshu", "zhihu", "bilibili",
    "taobao", "jd", "linkedin",
}


def _lines(part):
    return evaluation.load_corpus(CORPUS / f"{part}.jsonl")


@pytest.fixture(scope="module")
def reports():
    return evaluation.evaluate_corpus(compile_shipped())


def test_the_blind_part_still_has_its_recorded_hash():
    recorded, actual = evaluation.blind_hash()

    assert actual == recorded


def test_the_corpus_is_large_and_covers_every_platform_and_family():
    lines = _lines("dev") + _lines("blind")
    verdicts = Counter(line.verdict for line in lines)
    families = {item.family for line in lines for item in line.expect}

    assert len(lines) >= 600
    assert verdicts["violation"] >= 300
    assert verdicts["clean"] >= 300
    assert families == set(evaluation.FAMILIES)
    assert {line.platform for line in lines} == PLATFORMS
    for part in evaluation.PARTS:
        assert {line.platform for line in _lines(part)} == PLATFORMS
        assert {i.family for line in _lines(part) for i in line.expect} == set(evaluation.FAMILIES)


def test_every_line_is_labelled_consistently():
    for part in evaluation.PARTS:
        raw = [json.loads(x) for x in (CORPUS / f"{part}.jsonl").read_text(encoding="utf-8").splitlines()]
        for row in raw:
            assert (row["verdict"] == "violation") == bool(row["expect"]), row["id"]
            for item in row["expect"]:
                if item["span"] is not None:
                    start, end = item["span"]
                    assert row["text"][start:end] == item["match"], row["id"]


def test_no_line_is_in_both_parts():
    dev = {line.text for line in _lines("dev")}
    blind = {line.text for line in _lines("blind")}

    assert not dev & blind


def test_the_traps_of_the_guideline_are_in_the_blind_part():
    traps = Counter(line.trap for line in _lines("blind") if line.verdict == "clean")

    assert traps["AB"] >= 80  # ordinary words, ordinals, tips, aspirations, names, grades
    assert sum(n for trap, n in traps.items() if trap) >= 140
    assert traps[""] >= 60  # ordinary marketing prose


@pytest.mark.parametrize("part", evaluation.PARTS)
def test_the_shipped_rules_meet_the_targets(reports, part):
    total = reports[part].total

    assert total.recall >= 0.97
    assert total.precision >= 0.97


def test_a_finding_elsewhere_in_the_text_is_not_the_right_span():
    line = evaluation.CorpusLine(
        id="T1", platform=None, text="顶级面霜，效果好", verdict="violation",
        expect=(evaluation.Expected("AB", (0, 2)),),
    )

    class F:
        def __init__(self, rule, start, end):
            self.rule, self.start, self.end, self.match = rule, start, end, ""

    report = evaluation.evaluate([line], lambda _line: [F("AB-01", 5, 7)])

    assert report.families["AB"].found == 0
    assert report.families["AB"].correct == 0
    assert report.families["AB"].findings == 1


def test_a_whole_text_item_accepts_only_its_rule():
    line = evaluation.CorpusLine(
        id="T2", platform="douyin", text="好物推荐", verdict="violation",
        expect=(evaluation.Expected("ID", None, "ID-02"),), paid=True,
    )

    class F:
        def __init__(self, rule):
            self.rule, self.start, self.end, self.match = rule, 0, 0, ""

    report = evaluation.evaluate([line], lambda _line: [F("ID-01"), F("ID-02")])

    assert (report.families["ID"].correct, report.families["ID"].findings) == (1, 2)
    assert report.families["ID"].found == 1


@pytest.mark.django_db
def test_evaluate_checker_prints_precision_and_recall_per_family_for_both_parts():
    out = io.StringIO()

    call_command("evaluate_checker", stdout=out)

    text = out.getvalue()
    assert "dev: " in text
    assert "blind: " in text
    for family in evaluation.FAMILIES:
        assert f"\n  {family} " in text
    assert "precision" in text
    assert "recall" in text


@pytest.mark.django_db
def test_evaluate_checker_json_has_the_figures():
    out = io.StringIO()

    call_command("evaluate_checker", "--json", "--part", "blind", stdout=out)

    figures = json.loads(out.getvalue())
    assert set(figures) == {"blind"}
    assert figures["blind"]["lines"] == len(_lines("blind"))
    assert figures["blind"]["recall"] >= 0.97


@pytest.mark.django_db
def test_evaluate_checker_refuses_a_blind_part_that_changed(tmp_path):
    for name in ("dev.jsonl", "blind.jsonl", "BLIND.sha256"):
        shutil.copy(CORPUS / name, tmp_path / name)
    with (tmp_path / "blind.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "X", "text": "最好", "verdict": "clean", "expect": []}) + "\n")

    with pytest.raises(CommandError, match="blind part changed"):
        call_command("evaluate_checker", "--corpus", str(tmp_path), stdout=io.StringIO())
