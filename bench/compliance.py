"""Benchmark the content checker and the sentiment scorer (spec S3.1.1, S3.2.1).

1. Accuracy: the checker's precision and recall per rule family on the labelled
   corpus (development and blind parts, ``manage.py evaluate_checker``), and the
   sentiment scorer's on its comment corpus, both parts.
2. Speed: 10,000 realistic ~300-character Chinese posts against the real rule
   set plus generated terms (>= 1,000 in all). The ratio is issue 12's, exactly:
   check_text posts/s divided by the posts/s of a bare pyahocorasick automaton
   built from the same rule-set terms (the rule set's words and prefixes, as
   the ratio was defined when it was set), scanning the same posts, in the same
   run. Then sentiment texts/s of compliance.risk.sentiment.score_sentiment
   against snownlp on the same texts.

Run standalone: ``.venv/bin/python bench/compliance.py``. Uses a temporary
SQLite database; never touches the project's database. Ends with one
``RESULT ...`` line (its first keys are the speed figures, as before).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.TemporaryDirectory(prefix="bench-compliance-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp.name}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

import ahocorasick  # noqa: E402
from django.core.management import call_command  # noqa: E402

logging.disable(logging.WARNING)

POSTS = 10_000
SENTIMENT_TEXTS = 2_000
POST_LENGTH = 300
SEED = 20260615
ROUNDS = 3

ADJECTIVES = [
    "神奇", "无敌", "秒杀", "爆款", "逆天", "封神", "王炸", "天花板", "碾压", "吊打", "断货", "霸榜",
    "必入", "闭眼入", "绝绝子", "杀疯", "卷王", "宝藏", "顶流", "出圈", "爆表", "满分", "梦幻",
    "神级", "传奇", "殿堂", "无双", "逆袭", "颠覆", "革命性", "黑科技", "独门", "秘制", "祖传",
    "御用", "皇家", "贵族", "名媛", "网红", "明星",
]
NOUNS = [
    "配方", "效果", "品质", "价格", "面膜", "精华", "工艺", "口感", "体验", "服务", "成分", "设计",
    "颜值", "香味", "质地", "包装", "续航", "音质", "性能", "做工", "面料", "版型", "手感", "滋味",
    "功效", "技术", "同款", "神器", "单品", "好物",
]

ORDINARY = [
    "最近天气转凉，店里上新了第一批秋装，欢迎大家到首页看看。",
    "这款保湿面霜含有神经酰胺和透明质酸，质地轻薄，适合干皮和混合皮。",
    "第一次下单的朋友可以领取新人券，满199减20，首次购买还包邮。",
    "活动时间6月1日至6月3日，详情以活动页面为准，售完即止。",
    "我们的客服热线400-820-8820，工作日9点到18点在线为您服务。",
    "护肤第一步是清洁，洗面奶挤出硬币大小，打出泡沫后轻柔按摩。",
    "面料为100%纯棉，透气吸汗，机洗不变形，建议反面晾晒。",
    "周末带孩子去了国家图书馆，回来路上顺便买了这款保温杯。",
    "本店第一季度销售额稳步增长，感谢每一位老顾客的支持。",
    "包装采用可回收材料，运输途中有气泡膜保护，收到后请当面验货。",
    "这次联名款一共三个颜色，雾霾蓝、燕麦色和奶油白，尺码S到XL。",
    "我们尽最大努力在48小时内发货，偏远地区可能稍有延迟。",
    "早餐搭配一杯燕麦拿铁，口感顺滑，甜度刚刚好，上班路上也方便。",
    "直播间今晚八点开播，主播会现场试色，评论区可以提问。",
    "产品已通过第三方检测，检测报告编号见详情页，可扫码查询。",
    "首都的秋天很短，赶紧穿上这件风衣出门拍照吧。",
    "一级方程式赛车周边今天到货，车迷朋友们可以来店里看看。",
    "适用人群：18岁以上成年人，孕妇及哺乳期女性请咨询医生。",
    "收到货如有质量问题，七天无理由退换，运费险已为您购买。",
    "这支口红是哑光质地，上嘴不拔干，持妆时间大约四到五小时。",
    "小区楼下新开了一家面包店，牛角包外酥里软，每天下午三点出炉。",
    "本周会员日全场九折，积分可抵现，会员专享价以结算页为准。",
    "配料表：生牛乳、白砂糖、乳酸菌，开封后请冷藏并尽快食用。",
    "本次活动最终解释权归品牌方所有，如有疑问请联系在线客服。",
]
RISKY = [
    "全网最低价，效果最好，错过再无！",
    "国家级品质，顶级面霜，极致修护。",
    "行业第一品牌，销量冠军。",
    "100%有效，永久不反弹。",
    "开光貔貅，招财转运。",
    "喝这茶降血压，无副作用。",
    "7天美白3个度，立竿见影。",
    "99%用户见效，专利配方。",
    "晒好评返现5元，五星好评返现。",
    "转发朋友圈集满30个赞领奖。",
    "抽奖送6万元汽车。",
    "有问题联系张经理13812345678。",
    "加vx领券，私聊下单更便宜。",
    "保过班，不过退款，稳赚不赔。",
]
COMMENTS = [
    "物流很快，包装完好，质量不错，会回购。", "用了一周皮肤没什么变化，有点失望。",
    "请问什么时候发货？", "客服态度太差了，问了半天没人回。", "颜色和图片一样，很满意。",
    "收到的时候盒子压坏了，里面还好。", "性价比很高，推荐给朋友了。", "味道一般，不会再买了。",
    "尺码偏大，建议拍小一码。", "发货速度慢，等了五天才到。", "这个价格能买到这样的品质，值了！",
    "退货流程太麻烦，再也不买了。", "有没有优惠券？", "宝贝收到了，老公很喜欢。",
]


def generated_terms(count: int) -> list[str]:
    terms = [a + n for a in ADJECTIVES for n in NOUNS]
    random.Random(SEED).shuffle(terms)
    return terms[:count]


def make_posts(rng: random.Random, extra_terms: list[str]) -> list[str]:
    posts = []
    for _ in range(POSTS):
        parts: list[str] = []
        length = 0
        while length < POST_LENGTH:
            roll = rng.random()
            if roll < 0.06:
                part = rng.choice(RISKY)
            elif roll < 0.2:
                part = f"这款{rng.choice(ADJECTIVES)}{rng.choice(NOUNS)}，大家都说好。"
            else:
                part = rng.choice(ORDINARY)
            parts.append(part)
            length += len(part)
        posts.append("".join(parts)[:POST_LENGTH])
    return posts


def setup_rules(extra: list[str]) -> int:
    from compliance.advertising import services
    from compliance.advertising.models import Rule, Term, TermKind

    rule = Rule.objects.get(code="FA-04")
    Term.objects.bulk_create([Term(rule=rule, text=t, kind=TermKind.WORD) for t in extra], ignore_conflicts=True)
    services.ruleset_bump_version(actor=None, ruleset=rule.ruleset, summary="bench terms")
    return Term.objects.filter(rule__ruleset=rule.ruleset).exclude(
        kind__in=[TermKind.EXEMPT, TermKind.EXEMPT_REGEX]
    ).count()


def bench_checker(posts: list[str]) -> tuple[float, float, int, int]:
    """(check_text posts/s, bare pyahocorasick posts/s, posts with findings, raw term hits)."""
    from compliance.advertising.checker import check_text, compiled_rules
    from compliance.advertising.models import Term, TermKind

    check_text(posts[0])  # compile the rule set, load jieba
    compiled = compiled_rules()
    words = list(
        Term.objects.filter(kind__in=[TermKind.WORD, TermKind.PREFIX], enabled=True).values_list("text", flat=True)
    )
    bare = ahocorasick.Automaton()
    for word in words:
        bare.add_word(word.lower(), len(word))
    bare.make_automaton()

    # Best of ROUNDS for both, interleaved: the usual way to read timings on a
    # shared machine.
    check_seconds = aho_seconds = float("inf")
    flagged = hits = 0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        flagged = 0
        for post in posts:
            if check_text(post, platform="wechat_oa").findings:
                flagged += 1
        check_seconds = min(check_seconds, time.perf_counter() - start)

        start = time.perf_counter()
        hits = 0
        for post in posts:
            hits += sum(1 for _ in bare.iter(post.lower()))
        aho_seconds = min(aho_seconds, time.perf_counter() - start)
    assert compiled.version is not None
    return len(posts) / check_seconds, len(posts) / aho_seconds, flagged, hits


def bench_accuracy() -> dict[str, float]:
    """The checker's and the sentiment scorer's figures on their labelled corpora."""
    from compliance.advertising import evaluation
    from compliance.advertising.checker.shipped import compile_shipped

    figures: dict[str, float] = {}
    recorded, actual = evaluation.blind_hash()
    print(f"checker corpus: blind part sha256 {actual[:16]}… "
          f"({'as recorded' if recorded == actual else 'CHANGED since it was recorded'})")
    for part, report in evaluation.evaluate_corpus(compile_shipped()).items():
        print("\n".join(evaluation.format_report(f"checker {part}", report)))
        total = report.total
        figures[f"{part}_recall"] = total.recall or 0.0
        figures[f"{part}_precision"] = total.precision or 0.0
    from compliance.risk import sentiment

    for part, scores in sentiment.evaluate_corpus().items():
        print("\n".join(sentiment.format_scores(f"sentiment {part}", scores)))
        figures[f"sentiment_{part}_accuracy"] = scores.accuracy
        figures[f"sentiment_{part}_neg_precision"] = scores.negative_precision
        figures[f"sentiment_{part}_neg_recall"] = scores.negative_recall
    return figures


def bench_sentiment(texts: list[str]) -> tuple[float | None, float]:
    try:
        from compliance.risk.sentiment import score_sentiment
    except ImportError:
        score_sentiment = None
    ours = None
    if score_sentiment is not None:
        score_sentiment(texts[:10])  # load lexicons
        best = float("inf")
        for _ in range(ROUNDS):
            start = time.perf_counter()
            score_sentiment(texts)
            best = min(best, time.perf_counter() - start)
        ours = len(texts) / best
    from snownlp import SnowNLP

    SnowNLP(texts[0]).sentiments  # noqa: B018  (loads the model)
    start = time.perf_counter()
    for text in texts:
        SnowNLP(text).sentiments  # noqa: B018
    snow = len(texts) / (time.perf_counter() - start)
    return ours, snow


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    figures = bench_accuracy()
    rng = random.Random(SEED)
    extra = generated_terms(1_100)
    term_count = setup_rules(extra)
    posts = make_posts(rng, extra)
    avg_len = sum(map(len, posts)) / len(posts)
    print(f"posts: {len(posts)} x ~{avg_len:.0f} chars; rule-set terms (incl. patterns): {term_count}")

    check_rate, aho_rate, flagged, hits = bench_checker(posts)
    ratio = check_rate / aho_rate
    print(f"check_text:        {check_rate:10.0f} posts/s ({flagged} posts with findings)")
    print(f"bare pyahocorasick:{aho_rate:10.0f} posts/s ({hits} raw term hits; the rule set's words and prefixes)")
    print(f"ratio check/aho:   {ratio:10.3f}  (targets: check_text >= 5000 posts/s, ratio >= 0.15)")

    texts = [rng.choice(COMMENTS) + rng.choice(["", "！", "。", "～"]) for _ in range(SENTIMENT_TEXTS)]
    ours, snow = bench_sentiment(texts)
    ours_text = f"{ours:.0f}" if ours is not None else "n/a"
    speedup = f"{ours / snow:.1f}" if ours is not None else "n/a"
    print(f"score_sentiment:   {ours_text:>10} texts/s")
    print(f"snownlp:           {snow:10.0f} texts/s  (score_sentiment is {speedup}x; target >= 20x)")
    extra = " ".join(f"{name}={value:.3f}" for name, value in figures.items())
    print(
        f"RESULT check_posts_per_s={check_rate:.0f} aho_posts_per_s={aho_rate:.0f} ratio={ratio:.3f} "
        f"sentiment_texts_per_s={ours_text} snownlp_texts_per_s={snow:.0f} "
        f"sentiment_speedup={speedup} {extra}"
    )


if __name__ == "__main__":
    main()
