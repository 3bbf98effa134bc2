"""The checker's findings are pinned: speed work must not change a single one (issue 12 item 5).

``snapshots/findings.jsonl`` holds, for every case below, the findings (rule,
span, severity, shown text) and the exemptions the checker gave when the
snapshot was written. The cases are the labelled corpus as written (both
parts, each on its own platform) and variants generated from the development
part only: each line on several platforms and on none, as paid promotion,
with full-width letters and digits, spaced out and dotted inside words, and
long posts made of many lines. A last group runs bench-style posts against
the shipped rules plus generated terms, the shape of ``bench/compliance.py``.

The rules are the shipped catalogue (``rules/default.toml``), compiled without
a database. When a rule is changed on purpose, rewrite the snapshot and review
its diff line by line::

    .venv/bin/python manage.py shell --settings=config.test_settings \\
        -c "from tests.compliance.advertising.test_checker_snapshot import write_snapshot; write_snapshot()"
"""

from __future__ import annotations

import datetime
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from compliance.advertising import evaluation
from compliance.advertising.checker import CompiledRules, TermSpec
from compliance.advertising.checker.shipped import compile_shipped

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "findings.jsonl"
TODAY = datetime.date(2026, 6, 15)
SEED = 20261201
PLATFORMS = [None, "wechat_oa", "douyin", "xiaohongshu", "weibo", "taobao", "bilibili"]

# Bench-style generated vocabulary (bench/compliance.py adds ~1,100 such words to FA-04).
_ADJECTIVES = ["神奇", "无敌", "秒杀", "爆款", "逆天", "封神", "王炸", "天花板", "碾压", "吊打",
               "霸榜", "闭眼入", "绝绝子", "宝藏", "顶流", "黑科技", "祖传", "御用", "网红", "明星"]
_NOUNS = ["配方", "效果", "品质", "价格", "面膜", "精华", "工艺", "口感", "体验", "服务",
          "成分", "设计", "颜值", "香味", "续航", "功效", "技术", "同款", "神器", "好物"]
_ORDINARY = [
    "最近天气转凉，店里上新了第一批秋装，欢迎大家到首页看看。",
    "第一次下单的朋友可以领取新人券，满199减20，首次购买还包邮。",
    "护肤第一步是清洁，洗面奶挤出硬币大小，打出泡沫后轻柔按摩。",
    "周末带孩子去了国家图书馆，回来路上顺便买了这款保温杯。",
    "我们尽最大努力在48小时内发货，偏远地区可能稍有延迟。",
    "本次活动最终解释权归品牌方所有，如有疑问请联系在线客服。",
    "一级方程式赛车周边今天到货，车迷朋友们可以来店里看看。",
]


def _fullwidth(text: str) -> str:
    """ASCII letters, digits and symbols as their full-width twins, spaces as ideographic ones."""
    return "".join(
        "\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text
    )


def _spaced(text: str, filler: str, every: int) -> str:
    """A filler after every ``every``-th character (最 好 用, 全-网-最-低)."""
    return "".join(c + (filler if i % every == every - 1 else "") for i, c in enumerate(text))


def _cases() -> Iterator[dict]:
    """Every case: id, text, platform, paid, filing, and which rules to run ("shipped"/"bench")."""
    lines = {part: evaluation.load_corpus(evaluation.CORPUS_DIR / f"{part}.jsonl") for part in evaluation.PARTS}
    for part in evaluation.PARTS:
        for line in lines[part]:
            yield {"id": f"{part}:{line.id}", "text": line.text, "platform": line.platform,
                   "paid": line.paid, "filing": line.filing, "rules": "shipped"}
    rng = random.Random(SEED)
    dev = lines["dev"]
    for line in dev:
        for platform in PLATFORMS:
            if platform == line.platform:
                continue
            yield {"id": f"platform:{line.id}:{platform or '-'}", "text": line.text,
                   "platform": platform, "paid": line.paid, "filing": line.filing, "rules": "shipped"}
        yield {"id": f"paid:{line.id}", "text": line.text, "platform": line.platform,
               "paid": True, "filing": False, "rules": "shipped"}
        yield {"id": f"fullwidth:{line.id}", "text": _fullwidth(line.text), "platform": line.platform,
               "paid": line.paid, "filing": line.filing, "rules": "shipped"}
        filler, every = rng.choice([(" ", 1), (" ", 2), ("·", 1), ("-", 2), ("\u3000", 1), ("*", 3)])
        yield {"id": f"spaced:{line.id}", "text": _spaced(line.text, filler, every),
               "platform": line.platform, "paid": line.paid, "filing": line.filing, "rules": "shipped"}
    for number in range(120):
        picked = rng.sample(dev, rng.randint(5, 25))
        glue = rng.choice(["", "\n", " ", "。"])
        yield {"id": f"long:{number}", "text": glue.join(line.text for line in picked),
               "platform": rng.choice(PLATFORMS), "paid": rng.random() < 0.1,
               "filing": rng.random() < 0.05, "rules": "shipped"}
    for number in range(300):
        parts: list[str] = []
        while sum(map(len, parts)) < 300:
            roll = rng.random()
            if roll < 0.1:
                parts.append(rng.choice(dev).text)
            elif roll < 0.3:
                parts.append(f"这款{rng.choice(_ADJECTIVES)}{rng.choice(_NOUNS)}，大家都说好。")
            else:
                parts.append(rng.choice(_ORDINARY))
        yield {"id": f"bench:{number}", "text": "".join(parts)[:300], "platform": "wechat_oa",
               "paid": False, "filing": False, "rules": "bench"}


def _bench_rules() -> CompiledRules:
    from compliance.advertising.checker.shipped import load_rows, rule_terms

    shipped = [
        TermSpec(rule=row["code"], text=text, kind=kind, note=note)
        for row in load_rows()
        for (text, kind), note in rule_terms(row).items()
    ]
    extra = [TermSpec(rule="FA-04", text=a + n) for a in _ADJECTIVES for n in _NOUNS]
    return CompiledRules(compile_shipped().rules.values(), [*shipped, *extra], key=("snapshot", "bench"))


def _record(case: dict, rules: CompiledRules) -> dict:
    filing = evaluation.FilingInForce() if case["filing"] else None
    result = rules.check(
        case["text"], platform=case["platform"], is_paid_promotion=case["paid"], filing=filing, today=TODAY,
    )
    return {
        "id": case["id"],
        "findings": [[f.rule, f.start, f.end, f.severity, f.match] for f in result.findings],
        "exemptions": [[x.rule, x.start, x.end, x.exempted_by, x.reason] for x in result.exemptions],
    }


def _records() -> list[dict]:
    cases = list(_cases())
    records = {}
    # Compiling a rule set teaches jieba its words, so each group runs right
    # after its own rules were compiled, as in the checker.
    for name, compile_rules in (("bench", _bench_rules), ("shipped", compile_shipped)):
        rules = compile_rules()
        for case in cases:
            if case["rules"] == name:
                records[case["id"]] = _record(case, rules)
    return [records[case["id"]] for case in cases]


def write_snapshot() -> int:
    records = _records()
    SNAPSHOT.parent.mkdir(exist_ok=True)
    with SNAPSHOT.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(records)


def _records_in_a_fresh_process() -> list[dict]:
    """The records as a new worker process computes them.

    jieba's dictionary is process-wide and every compiled rule set teaches it its
    terms, so earlier tests' rule sets would change the segmentation seen here;
    a fresh interpreter compiles exactly what the snapshot was recorded with.
    """
    code = (
        "import json, django; django.setup();"
        "from tests.compliance.advertising.test_checker_snapshot import _records;"
        "print(json.dumps(_records(), ensure_ascii=False))"
    )
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_checker_reproduces_the_findings_snapshot_exactly():
    with SNAPSHOT.open(encoding="utf-8") as handle:
        expected = [json.loads(raw) for raw in handle if raw.strip()]
    actual = _records_in_a_fresh_process()
    assert len(actual) == len(expected) > 5000
    changed = [(want["id"], want, got) for want, got in zip(expected, actual, strict=True) if want != got]
    assert not changed, f"{len(changed)} cases changed, first: {changed[:3]}"


def test_snapshot_holds_findings_of_every_family_and_variants_that_still_flag():
    with SNAPSHOT.open(encoding="utf-8") as handle:
        records = {row["id"]: row for row in map(json.loads, handle)}
    families = {f[0].split("-")[0] for row in records.values() for f in row["findings"]}
    assert families >= {"AB", "ST", "MO", "MD", "FA", "SG", "ID", "PL", "PI"}
    # D001 「最保湿的一款面霜」: flagged as written, full-width and spaced out alike.
    assert records["dev:D001"]["findings"] == [["AB-01", 0, 3, "block", "最保湿"]]
    assert records["fullwidth:D001"]["findings"] == [["AB-01", 0, 3, "block", "最保湿"]]
    for prefix in ("long", "bench", "spaced", "platform"):
        assert any(row["findings"] for key, row in records.items() if key.startswith(prefix + ":"))
