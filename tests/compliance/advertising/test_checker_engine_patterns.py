"""The engine's pattern machinery: squeezing, word lists, part of speech, and the shortcuts
(trigger strings, windows) that must never change a result (S3.1.1)."""

import re

import pytest

from compliance.advertising import evaluation
from compliance.advertising.checker import engine
from compliance.advertising.checker.engine import (
    CompiledRules,
    RuleSpec,
    TermSpec,
    pattern_requirements,
    squeeze,
    term_error,
)
from compliance.advertising.checker.shipped import compile_shipped


def _rule(code, category="absolute"):
    return RuleSpec(code, category, "block", "", "", "", "")


@pytest.mark.parametrize(("text", "squeezed"), [
    ("最 好 用", "最好用"),
    ("全网最-低-价", "全网最低价"),
    ("T O P 1 热销", "TOP1热销"),
    ("No. 1 brand", "No1 brand"),
    ("400-820-8820", "400-820-8820"),  # digits keep their separators
    ("the best 纯棉", "the best纯棉"),  # words of letters keep their space
])
def test_squeeze_drops_filler_inside_terms_only(text, squeezed):
    work, index = squeeze(text)

    assert work == squeezed
    if index is not None:
        assert "".join(text[i] for i in index[:-1]) == squeezed


def test_a_word_list_fills_a_pattern_and_the_finding_keeps_the_texts_offsets():
    rules = CompiledRules(
        [_rule("MD-01", "medical")],
        [
            TermSpec("MD-01", "treat: 缓解|预防", "lexicon"),
            TermSpec("MD-01", "disease: 痛风", "lexicon"),
            TermSpec("MD-01", "{treat}[^，。]{0,4}?{disease}", "regex"),
        ],
    )
    text = "每天一杯，预 防 痛风"

    result = rules.check(text)

    assert rules.lexicons == {"MD-01": {"treat": ["缓解", "预防"], "disease": ["痛风"]}}
    assert [(f.rule, f.match) for f in result.findings] == [("MD-01", "预 防 痛风")]


def test_a_part_of_speech_term_flags_the_word_after_its_anchor():
    rules = CompiledRules([_rule("AB-01")], [TermSpec("AB-01", "最 : a v", "pos")])

    assert [f.match for f in rules.check("最耐用的背包").findings] == ["最耐用"]
    assert rules.check("最后一天").findings == []  # 后 is a place word, not an adjective


def test_a_part_of_speech_exemption_needs_its_anchor_to_be_a_word():
    rules = CompiledRules(
        [_rule("AB-01")],
        [TermSpec("AB-01", "最 : a v", "pos"), TermSpec("AB-01", "最好 : v", "exempt_pos")],
    )

    assert rules.check("最好放冰箱").findings == []
    assert [f.match for f in rules.check("最好看的裙子").findings] == ["最好看"]


@pytest.mark.parametrize(("text", "kind", "lists", "reason"), [
    ("{disease}治疗", "regex", {"disease"}, None),
    ("{illness}治疗", "regex", {"disease"}, "unknown_list"),
    ("(治疗", "regex", set(), "regex"),
    ("disease: 痛风", "lexicon", set(), None),
    ("Disease 痛风", "lexicon", set(), "lexicon_syntax"),
    ("最 : a v", "pos", set(), None),
    ("最 : adjective", "pos", set(), "pos_syntax"),
    ("最好", "word", set(), None),
])
def test_terms_are_checked_before_they_are_saved(text, kind, lists, reason):
    problem = term_error(text, kind, lists)

    assert (problem[0] if problem else None) == reason


def test_pattern_requirements_are_the_rarest_strings_every_match_holds():
    required = pattern_requirements(re.compile("(?:缓解|预防)[^，]{0,4}?(?:痛风|哮喘)"))

    assert set(map(frozenset, required)) == {frozenset({"痛风", "哮喘"}), frozenset({"缓解", "预防"})}
    assert pattern_requirements(re.compile("第[一1]款")) == [frozenset({"第一款", "第1款"})]
    assert pattern_requirements(re.compile(".*")) == []


def test_trigger_strings_and_windows_never_change_a_result(monkeypatch):
    lines = evaluation.load_corpus(evaluation.CORPUS_DIR / "dev.jsonl") + evaluation.load_corpus(
        evaluation.CORPUS_DIR / "blind.jsonl"
    )
    # Long posts, where windows are used: ten corpus lines at a time.
    texts = ["。".join(line.text for line in lines[i:i + 10]) for i in range(0, len(lines), 10)]
    texts += [line.text for line in lines]
    fast = compile_shipped()
    monkeypatch.setattr(engine, "pattern_requirements", lambda pattern: [])
    monkeypatch.setattr(engine, "pattern_reach", lambda pattern: None)
    plain = compile_shipped()

    for platform in ("wechat_oa", "xiaohongshu", None):
        for text in texts:
            got = [(f.rule, f.start, f.end) for f in fast.check(text, platform=platform).findings]
            want = [(f.rule, f.start, f.end) for f in plain.check(text, platform=platform).findings]
            assert got == want, text
