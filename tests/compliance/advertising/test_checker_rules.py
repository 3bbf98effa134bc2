"""The rule catalogue of RULES.md: every ✗ example is flagged, every ✓ one is not (S3.1.1, S3.1.2)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from compliance.advertising import checker, services
from compliance.advertising.checker import check_text
from compliance.advertising.checker.detectors import resident_id_valid
from compliance.advertising.models import Rule, RuleSet, TermKind
from tests.compliance.advertising.factories import platform

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"  # GB 11643 example: checksum valid

# (rule, text, platform, is_paid_promotion) — the ✗ column of RULES.md
VIOLATIONS = [
    ("AB-01", "全网最低价，效果最好", None, False),
    ("AB-02", "顶级面霜，极致修护", None, False),
    ("AB-03", "行业第一品牌", None, False),
    ("AB-04", "100%有效，永久不反弹", None, False),
    ("ST-01", "人民大会堂特供茶", None, False),
    ("ST-02", "国徽图案礼盒", None, False),
    ("ST-03", "国家免检", None, False),
    ("MO-01", "开光貔貅，招财转运", None, False),
    ("MO-02", "线上赌场注册送彩金", None, False),
    ("MD-01", "喝这茶降血压", None, False),
    ("MD-02", "有效率98%，无副作用", None, False),
    ("MD-03", "三甲医生亲测推荐", None, False),
    ("MD-04", "蓝帽子保健品，增强免疫力", None, False),
    ("MD-05", "7天美白3个度", None, False),
    ("MD-06", "电子烟新口味上市", None, False),
    ("FA-01", "99%用户见效", None, False),
    ("FA-02", "专利配方", None, False),
    ("FA-03", "晒好评返现5元", None, False),
    ("FA-04", "仅此一次，随时涨价", None, False),
    ("FA-05", "纯天然无副作用", None, False),
    ("SG-01", "保过班", None, False),
    ("SG-02", "稳赚不赔，年化8%", None, False),
    ("SG-03", "买到就是赚到，必升值", None, False),
    ("ID-01", "亲测好用！链接👉", None, True),
    ("ID-02", "广告｜品牌合作，新品上市", "weibo", True),
    ("ID-03", "加vx领券", "xiaohongshu", False),
    ("PL-01", "集满30个赞领奖", "wechat_oa", False),
    ("PL-02", "抽奖送6万元汽车", None, False),
    ("PL-03", "关注并评论参与抽奖，送蓝牙耳机", None, False),
    ("PI-01", "联系张经理13812345678", None, False),
    ("PI-02", f"身份证号{VALID_ID}", None, False),
]

# The ✓ column (or a compliant counterpart where RULES.md gives none).
COMPLIANT = [
    ("AB-01", "618活动价99元", None, False),
    ("AB-02", "含神经酰胺保湿面霜", None, False),
    ("AB-03", "据艾瑞咨询2024年数据，该系列销量第一", None, False),
    ("AB-04", "100%纯棉", None, False),
    ("AB-05", "我们尽最大努力服务", None, False),
    ("ST-01", "西湖产区明前龙井", None, False),
    ("ST-02", "红色图案礼盒", None, False),
    ("ST-03", "经XX检测（报告号2024-001）", None, False),
    ("MO-01", "手工黄铜貔貅摆件", None, False),
    ("MO-02", "线上商城注册送优惠券", None, False),
    ("MD-01", "清香乌龙茶", None, False),
    ("MD-02", "温和配方，敏感肌请先小范围试用", None, False),
    ("MD-03", "用户真实使用分享", None, False),
    ("MD-04", "蓝帽子保健品，本品不能代替药物", None, False),
    ("MD-05", "经人体功效评价（报告号HX-2024-18）", None, False),
    ("MD-06", "新口味酸奶上市", None, False),
    ("FA-01", "XX机构2024年测试（n=30）", None, False),
    ("FA-02", "发明专利ZL202312345678.X", None, False),
    ("FA-03", "欢迎真实评价", None, False),
    ("FA-04", "活动时间6月1日–6月3日", None, False),
    ("FA-05", "配料：水、甘油、神经酰胺", None, False),
    ("SG-01", "共48课时", None, False),
    ("SG-02", "市场有风险，投资需谨慎", None, False),
    ("SG-03", "地铁500米", None, False),
    ("ID-01", "广告｜品牌合作，亲测好用", None, True),
    ("ID-03", "站内私信", "xiaohongshu", False),
    ("PL-01", "无需分享即可参与", "wechat_oa", False),
    ("PL-02", "评论抽奖送价值3000元礼品，6月18日20:00开奖", None, False),
    ("PL-03", "评论抽奖，6月18日开奖，奖品为蓝牙耳机", None, False),
    ("PI-01", "客服热线400-820-8820", None, False),
    ("PI-02", "订单号110105194912310021", None, False),
]

# Ordinary words that merely contain the characters (RULES.md, 执法指南).
ORDINARY = [
    "最近上新了第一批秋装",
    "第一次下单的朋友看这里",
    "护肤第一步是清洁",
    "第一季度销售额稳步增长",
    "点击首页查看详情",
    "首次购买享九折",
    "首都北京的秋天",
    "一级方程式赛车周边",
    "周末去国家图书馆看书",
    "我们尽最大努力服务每一位顾客",
    "公司总机010-62345678，客服热线400-820-8820",
    "在设置的首选项里打开通知",
    "绝对值不等式的解法",
]


def _rules(result):
    return [f.rule for f in result.findings]


@pytest.mark.parametrize(("rule", "text", "platform_code", "paid"), VIOLATIONS, ids=[v[0] for v in VIOLATIONS])
def test_violating_example_is_flagged(rule, text, platform_code, paid):
    result = check_text(text, platform=platform_code, is_paid_promotion=paid)

    assert rule in _rules(result)
    finding = next(f for f in result.findings if f.rule == rule)
    assert finding.severity == Rule.objects.get(code=rule).severity
    assert finding.basis_zh
    assert finding.message_zh
    assert finding.category
    if finding.end > finding.start and not rule.startswith("PI"):
        assert text[finding.start:finding.end] == finding.match


@pytest.mark.parametrize(("rule", "text", "platform_code", "paid"), COMPLIANT, ids=[c[0] for c in COMPLIANT])
def test_compliant_example_is_not_flagged(rule, text, platform_code, paid):
    result = check_text(text, platform=platform_code, is_paid_promotion=paid)

    assert result.findings == []
    assert result.passed is True


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_words_containing_the_characters_are_not_flagged(text):
    assert check_text(text).findings == []


def test_every_rule_of_the_catalogue_is_loaded_and_covered_by_the_tables():
    codes = set(Rule.objects.values_list("code", flat=True))
    prefixes = {code.split("-")[0] for code in codes}

    assert prefixes == {"AB", "ST", "MO", "MD", "FA", "SG", "ID", "PL", "PI"}
    assert codes - {"AB-05"} <= {v[0] for v in VIOLATIONS}
    assert codes <= {v[0] for v in VIOLATIONS} | {c[0] for c in COMPLIANT}


def test_the_three_findings_of_the_wechat_example_with_offsets_and_severity():
    text = "全网最低价，国家级品质，转发集赞送礼"

    result = check_text(text, platform="wechat_oa")

    assert [(f.rule, f.start, f.end, f.match, f.severity) for f in result.findings] == [
        ("AB-01", 0, 5, "全网最低价", "block"),
        ("AB-02", 6, 9, "国家级", "block"),
        ("PL-01", 12, 16, "转发集赞", "block"),
    ]
    assert result.passed is False
    assert "第九条" in result.findings[0].basis_zh


def test_wechat_induced_sharing_is_only_a_wechat_rule():
    text = "转发集赞送礼"

    assert "PL-01" in _rules(check_text(text, platform="wechat_oa"))
    assert "PL-01" in _rules(check_text(text, platform=platform("wechat_channels")))
    assert "PL-01" not in _rules(check_text(text, platform="weibo"))
    assert "PL-01" not in _rules(check_text(text))


def test_diversion_is_only_a_xiaohongshu_and_douyin_rule():
    assert "ID-03" in _rules(check_text("私聊领取优惠", platform="douyin"))
    assert "ID-03" not in _rules(check_text("私聊领取优惠", platform="zhihu"))


def test_exemption_is_recorded_with_its_reason():
    result = check_text("最近上新了第一批秋装")

    assert result.findings == []
    assert any(
        e.rule == "AB-03" and e.match == "第一" and e.exempted_by == "第一批" and e.reason
        for e in result.exemptions
    )


def test_dated_and_sourced_ranking_is_exempt_but_bare_ranking_is_not():
    assert check_text("据欧睿2023年统计，本品牌销量第一").findings == []
    assert _rules(check_text("本品牌销量第一")) == ["AB-03"]


def test_sponsored_copy_with_a_purchase_link_needs_the_label_even_unflagged():
    assert _rules(check_text("品牌合作：这款面霜真的好用，链接👉")) == ["ID-01"]
    assert check_text("广告｜品牌合作：这款面霜真的好用，链接👉").findings == []
    assert check_text("这款面霜真的好用，链接在评论区").findings == []


def test_warn_findings_do_not_block():
    result = check_text("专利配方，99%用户见效")

    assert {f.rule for f in result.findings} == {"FA-01", "FA-02"}
    assert all(f.severity == "warn" for f in result.findings)
    assert result.passed is True


def test_mobile_and_id_matches_are_masked():
    result = check_text(f"联系13812345678，身份证{VALID_ID}")

    assert [(f.rule, f.match) for f in result.findings] == [
        ("PI-01", "138****5678"),
        ("PI-02", "110105********002X"),
    ]


@pytest.mark.parametrize(
    ("number", "valid"),
    [(VALID_ID, True), ("110105194912310021", False), ("11010519491331002X", False), ("12345", False)],
)
def test_resident_id_checksum(number, valid):
    assert resident_id_valid(number) is valid


def test_messages_follow_the_users_language():
    with translation.override("en"):
        data = check_text("顶级面霜").to_dict("en")
    assert data["findings"][0]["message"] == "Absolute term (grade or top-level claim)"
    assert data["findings"][0]["basis"].startswith("Advertising Law Art. 9(3)")
    assert check_text("顶级面霜").to_dict("zh-hans")["findings"][0]["message"].startswith("绝对化用语")


def test_paid_promotion_needs_a_filing_for_that_platform(team):
    from tests.compliance.advertising.factories import PromotionFilingFactory

    text = "广告｜品牌合作，新品上市"
    weibo_filing = PromotionFilingFactory(team=team, platform=platform("weibo"))

    assert "ID-02" not in _rules(check_text(text, platform="weibo", is_paid_promotion=True, filing=weibo_filing))
    assert "ID-02" in _rules(check_text(text, platform="douyin", is_paid_promotion=True, filing=weibo_filing))
    assert "ID-02" not in _rules(check_text(text, platform="weibo", is_paid_promotion=False))


def test_expired_filing_does_not_count(team):
    import datetime

    from tests.compliance.advertising.factories import PromotionFilingFactory

    filing = PromotionFilingFactory(
        team=team, starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2024, 2, 1)
    )

    result = check_text("广告｜合作", platform="weibo", is_paid_promotion=True, filing=filing)

    assert "ID-02" in _rules(result)


# --- rules are data --------------------------------------------------------------------

def test_admin_adds_a_term_and_the_next_check_flags_it_with_a_new_version(users):
    ruleset = RuleSet.objects.get(name="default")
    before = ruleset.version
    assert check_text("这款面霜天花板级别").findings == []

    services.term_add(actor=users["admin"], rule=Rule.objects.get(code="AB-02"), text="天花板级别")
    result = check_text("这款面霜天花板级别")

    assert _rules(result) == ["AB-02"]
    assert result.ruleset_version == before + 1


def test_disabling_a_rule_stops_it_and_enabling_brings_it_back(users):
    rule = Rule.objects.get(code="MO-01")

    services.rule_update(actor=users["manager"], rule=rule, enabled=False)
    assert check_text("开光貔貅").findings == []

    services.rule_update(actor=users["manager"], rule=rule, enabled=True)
    assert _rules(check_text("开光貔貅")) == ["MO-01"]


def test_scoping_a_rule_to_a_platform(users):
    rule = Rule.objects.get(code="FA-04")

    services.rule_update(actor=users["admin"], rule=rule, platforms=[platform("weibo")])

    assert _rules(check_text("仅此一次", platform="weibo")) == ["FA-04"]
    assert check_text("仅此一次", platform="douyin").findings == []


def test_prize_cap_is_configurable_per_platform(users):
    text = "评论抽奖送价值8000元礼品，6月18日开奖"
    rule = Rule.objects.get(code="PL-02")
    assert check_text(text, platform="weibo").findings == []

    services.rule_update(
        actor=users["admin"], rule=rule, params={"cap_cny": 50000, "platform_caps": {"weibo": 5000}}
    )

    assert _rules(check_text(text, platform="weibo")) == ["PL-02"]
    assert check_text(text, platform="douyin").findings == []


def test_exemption_added_by_an_admin_clears_a_word(users):
    rule = Rule.objects.get(code="AB-02")
    assert _rules(check_text("顶级玩家俱乐部开放报名")) == ["AB-02"]

    services.term_add(actor=users["admin"], rule=rule, text="顶级玩家俱乐部", kind=TermKind.EXEMPT, note="club name")

    assert check_text("顶级玩家俱乐部开放报名").findings == []


def test_only_rule_managers_edit_rules(users):
    rule = Rule.objects.get(code="AB-02")
    for role in ("marketer", "reviewer", "analyst"):
        with pytest.raises(PermissionDenied):
            services.term_add(actor=users[role], rule=rule, text="天花板")


def test_a_broken_admin_pattern_is_rejected(users):
    with pytest.raises(ValidationError) as exc:
        services.term_add(
            actor=users["admin"], rule=Rule.objects.get(code="FA-01"), text="([", kind=TermKind.REGEX
        )
    assert "text" in exc.value.message_dict


def test_loading_the_default_rules_twice_creates_nothing_twice():
    ruleset = services.ruleset_ensure_default()
    count, version = Rule.objects.count(), ruleset.version

    again = services.ruleset_ensure_default()

    assert Rule.objects.count() == count
    assert again.version == version


def test_compiled_rules_are_reused_until_the_version_changes(users):
    first = checker.compiled_rules()
    assert checker.compiled_rules() is first

    services.term_add(actor=users["admin"], rule=Rule.objects.get(code="AB-02"), text="天花板级")

    assert checker.compiled_rules() is not first


def test_rule_update_service_refuses_a_broken_unless_pattern(users):
    rule = Rule.objects.get(code="FA-02")
    with pytest.raises(ValidationError) as exc:
        services.rule_update(actor=None, rule=rule, unless_pattern="(ZL")
    assert "unless_pattern" in exc.value.message_dict
    rule.refresh_from_db()
    assert rule.unless_pattern != "(ZL"
