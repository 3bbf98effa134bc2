"""Productive patterns of the default rules: forms the word lists never held (S3.1.1, S3.1.2).

Each case is a fresh sentence (not a corpus line): ✗ must be flagged with the rule
family and the words given, ✓ must not be flagged at all.
"""

import pytest

from compliance.advertising.checker import check_text

pytestmark = pytest.mark.django_db


def _found(text, platform=None, paid=False):
    return [(f.rule, f.match) for f in check_text(text, platform=platform, is_paid_promotion=paid).findings]


FLAGGED = [
    # 最 + an adjective or adjectival verb, recognised by part of speech
    ("AB", "最酥脆的蛋卷", "最酥脆"),
    ("AB", "年度最省电的空调", "最省电"),
    ("AB", "最贴合脸型的口罩", "最贴合"),
    ("AB", "全国最大的茶叶市场直供", "全国最大"),
    ("AB", "最为耐磨的鞋底", "最为耐磨"),
    # 首 / 第一 + a measure word or a ranking noun
    ("AB", "行业首台无叶风扇", "行业首台"),
    ("AB", "全球首例可降解牙刷", "全球首例"),
    ("AB", "国内第一家连锁书店", "第一家"),
    # champion and king titles
    ("AB", "销量王来袭", "销量王"),
    ("AB", "卷发棒界的天花板", "卷发棒界的天花板"),
    ("AB", "类目冠军 电动牙刷", "类目冠军"),
    ("AB", "无人能比的口感", "无人能比"),
    # English
    ("AB", "The cheapest flights of the year", "cheapest"),
    ("AB", "Number 1 choice for busy parents", "Number 1"),
    # spaces, punctuation and full-width forms inside a term
    ("AB", "最 便 宜 的 纸 巾", "最 便 宜"),
    ("AB", "顶~级~牛~肉", "顶~级"),
    ("AB", "ＴＯＰ　１ 网红款", "ＴＯＰ　１"),
    # a disease or symptom with a treatment, cure, prevention or relief verb
    ("MD", "喝了半年，关节炎好多了", "关节炎好多了"),
    ("MD", "坚持使用可改善脂肪肝", "改善脂肪肝"),
    ("MD", "哮喘患者的福音", "哮喘患者的福音"),
    ("MD", "每天一包，远离痛风", "远离痛风"),
    ("MD", "连喝21天，血脂达标", "血脂达标"),
    # guarantees per sector
    ("SG", "保你一次考过驾照", "保你一次考过"),
    ("SG", "面试不过全额退款", "面试不过全额退"),
    ("SG", "本息有保障的稳健理财", "本息有保障"),
    ("SG", "加盟两个月回本", "两个月回本"),
    ("SG", "学区房买了就涨", "买了就涨"),
    # state organs and the army with supply or endorsement
    ("ST", "军区招待所专用床品", "军区招待所专用"),
    ("ST", "政府机关食堂指定供应", "政府机关食堂指定"),
]


@pytest.mark.parametrize(("family", "text", "match"), FLAGGED)
def test_productive_form_is_flagged_with_its_words(family, text, match):
    found = _found(text)

    assert any(rule.startswith(family) and (match in m or m in match) for rule, m in found), found


NOT_FLAGGED = [
    "最近刚上新，欢迎来看看",
    "满200最多减40",
    "最高立减30元",
    "最低2件起售",
    "最快明天送到",
    "开封后最好两天内喝完",
    "最好避光存放",  # advice: 最好 + a verb phrase
    "最新一季的春装到了",
    "第一次来店的顾客送饮品",
    "每周第一天上新",
    "首次注册送积分",
    "我们的首家门店开在西湖边",  # an ordinal: our first shop
    "力争把每一杯咖啡都做到最好",
    "这是我们店里最受欢迎的一款",
    "荣获2022年度金鼎奖",
    "国家级非遗传承人亲手制作",
    "《第一序列》实体书",
    "安全第一，请系好安全带",
    "Best wishes from our team",
    "2023年天猫宠物类目销量第一（数据来源：天猫）",
    "包邮，七天无理由",
    "被这首歌治愈了",
    "高温杀菌的酸奶",
    "不保本，投资需谨慎",
]


@pytest.mark.parametrize("text", NOT_FLAGGED)
def test_ordinary_language_is_not_flagged(text):
    assert _found(text) == []


def test_finding_offsets_are_those_of_the_text_as_written():
    text = "这款 是 最 便 宜 的"

    finding = next(f for f in check_text(text).findings if f.rule == "AB-01")

    assert text[finding.start:finding.end] == finding.match
    assert finding.match.replace(" ", "") == "最便宜"


def test_an_unless_explains_only_the_finding_of_its_own_sentence():
    text = "专利配方，专利号ZL202312345678.X。另一款也用了专利技术。"

    found = [(f.rule, f.start) for f in check_text(text).findings]

    assert found == [("FA-02", text.index("专利技术"))]


def test_the_health_food_statement_explains_the_whole_text():
    text = "蓝帽子保健品，每日两粒。\n本品不能代替药物。"

    assert check_text(text).findings == []


def test_an_exemption_of_the_guideline_clears_absolute_terms_only():
    # A title in 《》 clears the superlative in it, never a disease claim.
    text = "《最好的时光》同款茶，能降血压"

    assert [f.rule for f in check_text(text).findings] == ["MD-01"]


def test_a_part_of_speech_exemption_leaves_a_word_an_admin_listed(users):
    from compliance.advertising import services
    from compliance.advertising.models import Rule

    assert check_text("最低起订10件").findings == []

    services.term_add(actor=users["admin"], rule=Rule.objects.get(code="AB-01"), text="最低")

    assert [f.rule for f in check_text("最低起订10件").findings] == ["AB-01"]


def test_an_induced_share_pattern_is_still_a_wechat_rule():
    text = "邀请5位好友助力即可领取"

    assert [f.rule for f in check_text(text, platform="wechat_oa").findings] == ["PL-01"]
    assert check_text(text, platform="weibo").findings == []


def test_a_lottery_with_a_chinese_numeral_needs_its_draw_time():
    assert [f.rule for f in check_text("评论区抽两位送耳机", platform="weibo").findings] == ["PL-03"]
    assert check_text("评论区抽两位送耳机，周日晚8点开奖", platform="weibo").findings == []
