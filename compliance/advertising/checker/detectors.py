"""Checks that are code, not word lists (S3.1.1, S3.1.2, S3.2.2; RULES.md).

Each detector returns (start, end) spans; a zero-length span at 0 means the
finding is about the text as a whole (e.g. a missing "广告" label).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from compliance.privacy import pii
from compliance.privacy.pii import resident_id_valid as resident_id_valid  # re-exported

Span = tuple[int, int]

# Any mention of a lottery (gates the prize-cap check).
_COUNT = r"(?:\d+|[一二三四五六七八九十两几]+)"
LOTTERY = re.compile(
    rf"抽奖|开奖|中奖|抽取\s*{_COUNT}?\s*[名位个]|抽\s*{_COUNT}\s*[名位个人]|幸运(用户|粉丝|观众)"
)
# A lottery being announced (PL-03): 中奖 alone is a warning or a winner list.
LOTTERY_ANNOUNCED = re.compile(
    rf"抽奖|有奖(?:转发|评论|互动|活动|竞猜|征集)|抽取\s*{_COUNT}?\s*[名位个]|抽\s*{_COUNT}\s*[名位个人]"
    r"|幸运(?:用户|粉丝|观众)将获得"
)
LOTTERY_NOT_ANNOUNCED = re.compile(
    r"恭喜[^。！？\n]{0,30}(?:中奖|获奖|中签)|中奖名单|获奖名单|开奖结果|中奖结果|抽奖结果"
    r"|防诈骗|谨防|警惕|不要相信|切勿相信|诈骗"
)
LOTTERY_INVITE = re.compile(r"参与|参加|转发|关注|评论|点赞|留言|赢取|送出|抽取|即可获得")
DRAW_TIME = re.compile(
    r"开奖时间|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}"
    r"|[今明后]晚\s*\d{1,2}\s*[点:：]|\d{1,2}\s*[:：]\s*\d{2}|[Xx]月[Xx]日"
    r"|(?:周|星期|礼拜)[一二三四五六日天末][^，。；！？\n]{0,4}?\d{1,2}\s*[点时:：]"
    r"|[今明后]天\s*(?:晚上?|下午|上午|中午|早上)?\s*\d{1,2}\s*[点时]"
)
# PL-02: an amount counts only when attached to a prize word (奖品、价值、送、一等奖…),
# never 注册资本 or 购车满10万元.
PRIZE = re.compile(
    r"(奖品|奖金|奖励|价值|送出?|赠送?|一等奖|二等奖|三等奖|特等奖|头奖|大奖|现金|红包)"
    r"[^，。；！？,;!?\n\d¥￥]{0,6}?"
    r"(?P<cur>[¥￥]|RMB|人民币)?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"\s*(?P<mult>万|千)?\s*(?P<unit>元|块|人民币|RMB)?",
    re.IGNORECASE,
)
_MONEY_PREFIX = frozenset({"奖金", "价值", "现金", "红包"})
AD_LABEL = re.compile(r"广告")
# "这不是广告" / "非广告" deny the label rather than give it (RULES.md ID-01).
AD_NEGATED = re.compile(r"(?:不是|并非|绝非|非|没有|没|无|不算|不属于|不含)\s*(?:一?[条个篇则])?\s*$")
# Sponsored copy with a purchase link counts as paid promotion (RULES.md ID-01)
# even when the paid flag was not set.
SPONSORED = re.compile(r"品牌合作|商务合作|合作推广|赞助|恰饭|推广合作|#合作")
PURCHASE_LINK = re.compile(r"链接|👉|https?://|购买入口|下单入口|小黄车|点击购买|戳购买")


# Detectors that can only fire on paid promotion: skipped otherwise.
PAID_ONLY = frozenset({"paid_without_filing"})

# A finding's matched text is shown masked like the privacy ledger shows it.
MASKERS: dict[str, Callable[[str], str]] = {
    "mobile_number": pii.mask_phone,
    "resident_id": pii.mask_id_number,
}


def _mobile(text: str, **_: Any) -> list[Span]:
    return pii.mobile_spans(text)


def _resident_id(text: str, **_: Any) -> list[Span]:
    return pii.resident_id_spans(text)


def has_ad_label(text: str) -> bool:
    """Whether ``text`` carries a "广告" label that is not negated (这不是广告, 非广告)."""
    for m in AD_LABEL.finditer(text):
        if AD_NEGATED.search(text, max(0, m.start() - 4), m.start()) is None:
            return True
    return False


def _paid_without_label(text: str, *, is_paid_promotion: bool, **_: Any) -> list[Span]:
    if has_ad_label(text):
        return []
    if is_paid_promotion:
        return [(0, 0)]
    sponsored = SPONSORED.search(text)
    if sponsored is not None and PURCHASE_LINK.search(text) is not None:
        return [sponsored.span()]
    return []


def _paid_without_filing(
    text: str, *, is_paid_promotion: bool, platform: str | None, filing: Any,
    today: datetime.date | None, **_: Any,
) -> list[Span]:
    if not is_paid_promotion:
        return []
    on = today or timezone.localdate()
    if filing is not None and filing.covers(platform, on):
        return []
    return [(0, 0)]


def _prize_above_cap(
    text: str, *, params: dict, platform: str | None, **_: Any
) -> list[Span]:
    if LOTTERY.search(text) is None:
        return []
    caps = params.get("platform_caps") or {}
    try:
        cap = Decimal(str(caps.get(platform, params.get("cap_cny", 50000))))
    except (InvalidOperation, TypeError):
        cap = Decimal(50000)
    spans = []
    for m in PRIZE.finditer(text):
        mult = m.group("mult") or ""
        if not (m.group("cur") or mult or m.group("unit") or m.group(1) in _MONEY_PREFIX):
            continue  # 送3位粉丝: a count, not an amount
        try:
            amount = Decimal(m.group("num").replace(",", "")) * {"万": 10000, "千": 1000}.get(mult, 1)
        except InvalidOperation:
            continue
        if amount > cap:
            spans.append((m.start("cur") if m.group("cur") else m.start("num"), m.end()))
    return spans


def _lottery_without_draw_time(text: str, **_: Any) -> list[Span]:
    m = LOTTERY_ANNOUNCED.search(text)
    if m is None or DRAW_TIME.search(text) is not None:
        return []
    if LOTTERY_NOT_ANNOUNCED.search(text) is not None and LOTTERY_INVITE.search(text) is None:
        return []  # a scam warning or a winner list, not a lottery being announced
    return [m.span()]


_DETECTORS: dict[str, Callable[..., list[Span]]] = {
    "mobile_number": _mobile,
    "resident_id": _resident_id,
    "paid_without_label": _paid_without_label,
    "paid_without_filing": _paid_without_filing,
    "prize_above_cap": _prize_above_cap,
    "lottery_without_draw_time": _lottery_without_draw_time,
}


def detector(name: str) -> Callable[..., list[Span]] | None:
    """The detector called ``name``, or None when there is none."""
    return _DETECTORS.get(name)


def run(name: str, text: str, **kwargs: Any) -> list[Span]:
    found = _DETECTORS.get(name)
    return found(text, **kwargs) if found is not None else []
