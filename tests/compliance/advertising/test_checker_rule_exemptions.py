"""The default rules' exemptions: each clears only its own rule, and only the ranking word (S3.1.1)."""

import pytest

from compliance.advertising.checker import check_text

pytestmark = pytest.mark.django_db


def _rules(text, platform=None, paid=False):
    return {f.rule for f in check_text(text, platform=platform, is_paid_promotion=paid).findings}


SCOPED_EXEMPTION = [
    (
        "2024年度报告：我们的产品全网最低价，顶级品质，根治失眠，销量第一", "weibo",
        {"AB-01", "AB-02", "AB-03", "MD-01"},
    ),
    ("2024年据统计，喝这茶降血压，好评第一", "weibo", {"MD-01", "AB-03"}),
    ("2024年最新数据：行业第一", "weibo", {"AB-03"}),
    ("2024年数据：全网最低价，行业第一", "weibo", {"AB-01", "AB-03"}),
    ("2023年来源不明，史上最低价，冠军", "weibo", {"AB-01"}),
    ("2024年据统计，全网最低价", None, {"AB-01"}),
    ("2023年销量第一，来源不明", None, {"AB-03"}),
]


@pytest.mark.parametrize(("text", "platform", "expected"), SCOPED_EXEMPTION)
def test_exemption_does_not_clear_other_rules(text, platform, expected):
    assert _rules(text, platform) == expected


SOURCED_RANKINGS = [
    "2024年天猫双11美妆类目销量第一（数据来源：天猫官方）",
    "2024年据欧睿国际统计该系列销量第一",
    "据欧睿国际2023年数据，销量第一",
    "来源：尼尔森 2023年全国销量第一",
    "获2023年天猫双11美妆类目TOP1，来源：天猫",
]


@pytest.mark.parametrize("text", SOURCED_RANKINGS)
def test_dated_sourced_ranking_is_exempt(text):
    result = check_text(text, platform="weibo")
    assert result.findings == []
    assert any(e.rule == "AB-03" for e in result.exemptions)


def test_sourced_ranking_exempts_the_ranking_word_only():
    result = check_text("2024年据欧睿国际统计销量第一，效果最好", platform="weibo")
    assert [(f.rule, f.match) for f in result.findings] == [("AB-01", "最好")]
