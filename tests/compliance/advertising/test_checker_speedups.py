"""Trigger strings spelled out of alternations, and second requirements the scan looks
for anyway (issue 12): fewer pattern runs, never a different result."""

import re

from compliance.advertising.checker import engine
from compliance.advertising.checker.engine import (
    CompiledRules,
    RuleSpec,
    TermSpec,
    looked_for_second,
    pattern_requirements,
)

PAYOUT = "(?:保|保证)[0-9]{0,5}[0-9]分"


def _rules():
    rules = [
        RuleSpec("SG-01", "guarantee", "block", "", "", "", ""),
        RuleSpec("AB-02", "absolute", "block", "", "", "", ""),
    ]
    terms = [
        TermSpec("SG-01", PAYOUT, "regex"),
        TermSpec("SG-01", "保过", "word"),
        TermSpec("SG-01", "保", "word"),
        TermSpec("AB-02", "(?:世界|全球|神)级", "regex"),
        TermSpec("SG-01", "一次(?:过(?![\u4e00-\u9fff])|通过(?!率)|拿证)", "regex"),
        TermSpec("AB-02", "白[0-9一二三]{1,4}个?度", "regex"),
    ]
    return rules, terms


def test_an_alternation_joins_the_literals_around_it_into_whole_strings():
    assert pattern_requirements(re.compile("首(?:个|位|款)")) == [
        frozenset({"首个", "首位", "首款"})
    ]
    assert pattern_requirements(re.compile("(?:世界|全球|神)级")) == [
        frozenset({"世界级", "全球级", "神级"})
    ]
    assert pattern_requirements(re.compile("第[一1](?:个|品牌)")) == [
        frozenset({"第一个", "第1个", "第一品牌", "第1品牌"})
    ]
    # A lookahead matches no character, so the strings around it stay whole.
    assert pattern_requirements(re.compile("一次(?:过(?![\u4e00-\u9fff])|通过(?!率)|拿证)")) == [
        frozenset({"一次过", "一次通过", "一次拿证"})
    ]
    # A repeated class: its first repetition follows the literal before it, its last
    # one precedes the rest (an optional 个 included).
    assert set(pattern_requirements(re.compile("白[一二三]{1,4}个?度"))) == {
        frozenset({"白一", "白二", "白三"}),
        frozenset({"一度", "二度", "三度", "一个度", "二个度", "三个度"}),
    }
    # A character class before a literal: 0分 … 9分 rather than the digits or 分 alone.
    assert pattern_requirements(re.compile(PAYOUT)) == [frozenset(f"{d}分" for d in range(10))]


def test_a_common_second_requirement_is_kept_only_when_the_scan_looks_for_it_anyway():
    pattern = re.compile(PAYOUT)

    assert looked_for_second(pattern, set()) is None
    assert looked_for_second(pattern, {"保", "保过"}) == frozenset({"保"})


def test_the_shortcuts_never_change_a_result(monkeypatch):
    texts = [
        "保你90分，不过退款。",
        "保证考到95分！",
        "保温杯买一送一，满分好评。",
        "这是世界级的工艺，神级体验。",
        "保 9 0 分",
        "我们保 证100分。保",
        "级别很高的世界",
        "全球级别",
        "首页上新" * 30 + "保证99分",
        "一次过关，一次通过率很高，一次通过！",
        "7天美白3个度，白二三一度，第一季度的温度，白 3 度",
    ]
    rules, terms = _rules()
    fast = CompiledRules(rules, terms)
    assert fast.needs_second  # 保 is a word of the rule set, so the payout pattern waits for it
    monkeypatch.setattr(engine, "pattern_requirements", lambda pattern: [])
    monkeypatch.setattr(engine, "pattern_reach", lambda pattern: None)
    plain = CompiledRules(rules, terms)

    for text in texts:
        assert fast.check(text).to_dict() == plain.check(text).to_dict(), text
