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

Span = tuple[int, int]

# RULES.md PI-01; separators between the groups are tolerated.
# The leading literal lets the regex engine skip ahead; the character before
# a match is checked in Python (a lookbehind would defeat that).
MOBILE = re.compile(r"1[3-9]\d(?:[\s\-]?\d{4}){2}(?![\d\-])")
# RULES.md PI-02: 17 digits + check character, not inside a longer run.
RESIDENT_ID = re.compile(r"\d{17}[\dXx](?![0-9A-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

LOTTERY = re.compile(r"抽奖|开奖|中奖|抽取\s*\d*\s*[名位个]|抽\s*\d+\s*[名位个人]|幸运(用户|粉丝|观众)")
DRAW_TIME = re.compile(
    r"开奖时间|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}"
    r"|[今明后]晚\s*\d{1,2}\s*[点:：]|\d{1,2}\s*[:：]\s*\d{2}|[Xx]月[Xx]日"
)
PRIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(万|千)?\s*(?:元|块|人民币|RMB)", re.IGNORECASE)
AD_LABEL = re.compile(r"广告")
# Sponsored copy with a purchase link counts as paid promotion (RULES.md ID-01)
# even when the paid flag was not set.
SPONSORED = re.compile(r"品牌合作|商务合作|合作推广|赞助|恰饭|推广合作|#合作")
PURCHASE_LINK = re.compile(r"链接|👉|https?://|购买入口|下单入口|小黄车|点击购买|戳购买")
_DIGIT = re.compile(r"\d")


def resident_id_valid(number: str) -> bool:
    """GB 11643 / ISO 7064 MOD 11-2 checksum, plus a real birth date."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17].upper():
        return False
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= born <= timezone.localdate()


def mask_mobile(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) == 11 else "***"


def mask_resident_id(value: str) -> str:
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}" if len(value) == 18 else "***"


# Detectors that can only fire on paid promotion: skipped otherwise.
PAID_ONLY = frozenset({"paid_without_filing"})

MASKERS: dict[str, Callable[[str], str]] = {
    "mobile_number": mask_mobile,
    "resident_id": mask_resident_id,
}


def _mobile(text: str, **_: Any) -> list[Span]:
    if _DIGIT.search(text) is None:
        return []
    return [
        m.span() for m in MOBILE.finditer(text)
        if m.start() == 0 or not (text[m.start() - 1].isdigit() or text[m.start() - 1] == "-")
    ]


def _resident_id(text: str, **_: Any) -> list[Span]:
    if _DIGIT.search(text) is None:
        return []
    return [
        m.span() for m in RESIDENT_ID.finditer(text)
        if (m.start() == 0 or not text[m.start() - 1].isascii() or not text[m.start() - 1].isalnum())
        and resident_id_valid(m.group(0))
    ]


def _paid_without_label(text: str, *, is_paid_promotion: bool, **_: Any) -> list[Span]:
    if AD_LABEL.search(text) is not None:
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
        amount = Decimal(m.group(1)) * {"万": 10000, "千": 1000}.get(m.group(2) or "", 1)
        if amount > cap:
            spans.append(m.span())
    return spans


def _lottery_without_draw_time(text: str, **_: Any) -> list[Span]:
    m = LOTTERY.search(text)
    if m is None or DRAW_TIME.search(text) is not None:
        return []
    return [m.span()]


_DETECTORS: dict[str, Callable[..., list[Span]]] = {
    "mobile_number": _mobile,
    "resident_id": _resident_id,
    "paid_without_label": _paid_without_label,
    "paid_without_filing": _paid_without_filing,
    "prize_above_cap": _prize_above_cap,
    "lottery_without_draw_time": _lottery_without_draw_time,
}


def run(name: str, text: str, **kwargs: Any) -> list[Span]:
    detector = _DETECTORS.get(name)
    return detector(text, **kwargs) if detector is not None else []
