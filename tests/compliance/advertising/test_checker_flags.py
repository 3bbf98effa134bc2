"""Which texts the default rules flag: ordinary words and the guideline's exemptions are not
flagged, the violations are, with the span of what was found (S3.1.1, S3.1.2; RULES.md).

✗ must be flagged with the rule given, ✓ must not be flagged at all.
"""

import pytest

from compliance.advertising.checker import check_text

pytestmark = pytest.mark.django_db


def _rules(text, platform=None, paid=False):
    return {f.rule for f in check_text(text, platform=platform, is_paid_promotion=paid).findings}


# --- not flagged: the guideline's exemptions and ordinary words ----------------------------
COMPLIANT = [
    ("开封后最好冷藏保存", None),
    ("最佳饮用温度为8-10℃", None),
    ("最佳赏味期为出厂后30天", None),
    ("做最好的自己", None),
    ("我们绝对不会泄露您的个人信息", None),
    ("本品牌史上最轻的一代跑鞋，比上一代轻了20克", None),
    ("这是我们今年最好的一款新品", None),
    ("国家级非物质文化遗产龙泉青瓷", None),
    ("荣获国家级高新技术企业认定", None),
    ("超级至尊披萨", None),
    ("永久牌自行车", None),
    ("万能充数据线", None),
    ("顶级域名注册优惠", None),
    ("最强大脑同款魔方", None),
    ("小狗旺财", None),
    ("血腥玛丽鸡尾酒", None),
    ("第一反应就是好香", None),
    ("最低起订量100件", None),
    ("最低消费100元", None),
    ("本店最低5折起", None),
    ("30分钟充电至100%", None),
    ("100%纯棉，电量100%", None),
    ("巴氏杀菌鲜牛奶", None),
    ("包裹已到达杭州转运中心", None),
    ("海淘转运", None),
    ("电商专供款", None),
    ("该款式为店铺唯一一款碎花裙", None),
    ("消费集满10个印章兑换一杯咖啡", "wechat_oa"),
    ("防诈骗提醒：不要相信中奖短信", "weibo"),
    ("恭喜以下用户中奖", "weibo"),
    ("抽奖送耳机，6月1日20:00开奖；购车满10万元另享优惠", "weibo"),
    ("注册资本5000万元，抽奖活动6月1日开奖", "weibo"),
    ("订单号：SN13812345678", None),
    ("快递单号：YT13812345678", None),
    ("型号：X13912345678", None),
    ("欢迎关注我们的公众号，获取更多新品资讯", "wechat_oa"),
    ("买一送一，满199减30", "weibo"),
    ("最好在阴凉处存放", None),
    ("开封后最好吃完", None),
    ("这款产品关注度很高，送货上门", "wechat_oa"),
    ("分享一下我的送礼清单", "wechat_oa"),
    ("沐浴炸弹泡澡球", None),
    ("珍爱生命，远离毒品", None),
    ("木质烟草香调香水", None),
    ("百分百纯棉T恤", None),
    ("第一名下单的顾客送小礼品", None),
    ("谨防抽奖诈骗，官方不会索要验证码", "weibo"),
    ("评论区抽3位送新品，周五晚8点开奖", "weibo"),
    ("抽奖送耳机，明天晚上8点开奖", "weibo"),
]


@pytest.mark.parametrize(("text", "platform"), COMPLIANT)
def test_not_flagged(text, platform):
    result = check_text(text, platform=platform)
    assert [(f.rule, f.match) for f in result.findings] == []


# --- flagged ---------------------------------------------------------------------------------
VIOLATIONS = [
    ("PI-01", "联系电话：+8613812345678", None, False),
    ("PI-01", "联系电话：+86-138-1234-5678", None, False),
    ("PI-01", "电话0086-13812345678", None, False),
    ("PI-01", "手机１３８１２３４５６７８", None, False),
    ("PI-01", "Tel13812345678", None, False),
    ("PI-01", "手机/13812345678", None, False),
    ("PI-01", "+86 138 1234 5678", None, False),
    ("PI-02", "１１０１０５１９４９１２３１００２Ｘ", None, False),
    ("PL-02", "奖金池100万元，抽奖6月1日开奖", None, False),
    ("PI-02", "ID330106199003071236", None, False),
    ("ID-01", "这不是广告，真心推荐这款面霜", None, True),
    ("ID-01", "纯分享非广告，链接在评论区", None, True),
    ("PL-02", "抽奖送价值60,000元的汽车，6月1日开奖", None, False),
    ("PL-02", "抽奖送价值¥60000的汽车，6月1日开奖", None, False),
    ("PL-02", "抽奖送价值6万的汽车，6月1日开奖", None, False),
    ("PL-01", "关注公众号即送红包", "wechat_oa", False),
    ("PL-01", "转发到朋友圈截图领奖", "wechat_oa", False),
    ("PL-01", "分享给3位好友即可解锁", "wechat_oa", False),
    ("PL-01", "转发本文至朋友圈集齐20个赞", "wechat_oa", False),
    ("PL-03", "转发抽奖送耳机", "weibo", False),
    ("MO-02", "网上赌博平台，充值即送", None, False),
    ("MO-02", "出售毒品，同城配送", None, False),
    ("MO-02", "气枪猎枪专卖", None, False),
    ("MO-02", "教你制作炸弹", None, False),
    ("MO-02", "真人荷官在线发牌", None, False),
    ("MO-02", "黄色网站免费看", None, False),
    ("MO-01", "大师开过光的手串，保佑平安", None, False),
    ("MO-01", "戴上它提升财运", None, False),
    ("MD-01", "喝了能降三高", None, False),
    ("MD-01", "改善失眠，治好了我的颈椎病", None, False),
    ("MD-06", "新品烟草上市", None, False),
    ("SG-02", "年化收益稳定15%，保证收益", None, False),
    ("SG-01", "包拿证，一次通过", None, False),
    ("AB-03", "行业第一名", None, False),
    ("AB-03", "销量全国第一名", None, False),
    ("AB-01", "最优惠的价格", None, False),
    ("AB-01", "全网超低价，性价比之王", None, False),
    ("AB-01", "销量之王", None, False),
    ("AB-02", "奢华至尊版", None, False),
    ("AB-04", "100%有效", None, False),
    ("AB-04", "有效率高达100%", None, False),
    ("ST-01", "电商渠道机关专供茶", None, False),
    ("ST-01", "政府专供白酒", None, False),
    ("ST-02", "印有五星红旗的T恤", None, False),
    ("PL-01", "分享后领取优惠券", "wechat_oa", False),
    ("PL-01", "关注后即可领取新人礼包", "wechat_oa", False),
    ("PL-03", "参与抽奖赢耳机", "weibo", False),
    ("AB-01", "口碑之王", None, False),
    ("AB-01", "最好吃的蛋糕", None, False),
    ("AB-01", "最好用的面霜", None, False),
]


@pytest.mark.parametrize(("rule", "text", "platform", "paid"), VIOLATIONS)
def test_flagged(rule, text, platform, paid):
    assert rule in _rules(text, platform, paid)


def test_full_width_phone_keeps_offsets_and_masks():
    text = "手机１３８１２３４５６７８"
    finding = next(f for f in check_text(text).findings if f.rule == "PI-01")
    assert (finding.start, finding.end) == (2, 13)
    assert finding.match == "138****5678"


def test_prize_amount_span_is_the_amount():
    text = "抽奖送价值6万元的汽车，6月1日开奖"
    finding = next(f for f in check_text(text).findings if f.rule == "PL-02")
    assert text[finding.start:finding.end] == "6万元"


def test_negated_ad_label_is_not_a_label_but_a_real_one_is():
    assert "ID-01" in _rules("这不是广告，真心推荐", paid=True)
    assert "ID-01" not in _rules("广告｜真心推荐", paid=True)
    assert "ID-01" not in _rules("这不是硬广，是广告合作，真心推荐", paid=True)
