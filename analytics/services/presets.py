"""Presets for the exports of the analytics tools the spec names (S2.3.3 (2), S4.1):
百度统计 (Baidu Tongji), 生意参谋 (Shengyi Canmou) and Google Analytics 4.

Each tool exports one site or one shop per file, a row per day, so a preset's
file has no platform or account column: the user names the account — the
campaign team's website account (``website``, 自有网站) for the web tools, the
shop's account for 生意参谋. A preset knows its tool's files as they come:

- title, date-range and ``#`` comment lines above the header (the header is
  the first row with a date column and a column of the tool's metrics);
- a 合计 / 总计 / Total row, which is not a day; it ends the table (footers
  after it are not read), as a ``#`` line after the data does (GA4 writes
  further tables below the first);
- numbers with thousands separators (12,345), money with ¥, percentages
  (45.67%, or GA4's 0.4567) as ratios, durations (00:02:35, 2分35秒, or GA4's
  seconds) as seconds, ``--`` or blank for no data;
- its column names, mapped onto the metric catalogue. Columns the tool has but
  the catalogue does not measure are named and left out; a column no preset
  knows rejects the file (it may be a dimension: importing its rows as days
  would be wrong).

Rates and averages are never stored (they would be averaged across days).
A rate column is re-derived from its parts when the row has them; otherwise
the missing part is stored as the rate × the part the row has (or the part
÷ the rate), so the day reads back exactly as the file gives it and weighs in
by its own denominator — the import says on which rows it kept a rate as
given. A rate with neither part on a row cannot be combined with other days:
it is left out, and the import names those rows.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from platforms.metrics import Metric

from .imports import (
    _THOUSANDS,
    BLANKS,
    HEAD_ROWS,
    NEGATIVE,
    NON_NUMERIC,
    TOO_LARGE,
    BoundLayout,
    HeaderError,
    ImportContext,
    Layout,
    ParsedRow,
    RowError,
    TableEnd,
    _cell_text,
    column_key,
    layout_register,
    value_problem,
)
from .store import MAX_VALUE, QUANTUM, STORED_METRICS

COUNT, MONEY, RATIO, DURATION, NUMBER = "count", "money", "ratio", "duration", "number"
OVER_ONE = "over_one"
# What the tools write in the date column of the row that totals the others.
TOTAL_LABELS = frozenset(
    column_key(label) for label in (
        "合计", "总计", "汇总", "当前汇总", "总和", "Total", "Totals", "Grand total", "Sum",
    )
)
_CURRENCY = re.compile(r"^[¥￥]\s*|\s*元$")
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")
_CHINESE_DURATION = re.compile(
    r"^(?:(\d+(?:\.\d+)?)\s*(?:小时|时))?\s*(?:(\d+(?:\.\d+)?)\s*分(?:钟)?)?\s*"
    r"(?:(\d+(?:\.\d+)?)\s*秒)?$"
)
# A weekday after a date: "2024/01/05 (周五)", "2024-01-05 星期五", "20240105 Fri".
_WEEKDAY_TAIL = re.compile(
    r"\s*(?:[(（]\s*)?(?:周|星期)[一二三四五六日天](?:\s*[)）])?$"
    r"|\s*(?:[(（]\s*)?(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?(?:\s*[)）])?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Column:
    """A column whose value is stored as ``role`` (a catalogue metric, or a part the
    preset only computes with). A ``fallback`` column is read only when no other
    column of the file gives the role."""

    names: tuple[str, ...]
    role: str
    kind: str = COUNT
    fallback: bool = False


@dataclass(frozen=True)
class Rate:
    """A column holding ``numerator`` ÷ ``denominator`` (two roles); ``metric`` is the
    catalogue rate it is, when it is one (for the page)."""

    names: tuple[str, ...]
    numerator: str
    denominator: str
    kind: str = RATIO
    metric: str | None = None


@dataclass(frozen=True)
class Complement:
    """``role`` = ``whole`` − ``part`` (GA4's bounced sessions are the sessions not engaged)."""

    role: str
    whole: str
    part: str


# What a header name means to a tool: its date column, one of its columns or rates,
# or a column of the tool that is left out.
VocabularyEntry = (
    tuple[Literal["date"], None] | tuple[Literal["column"], Column]
    | tuple[Literal["rate"], Rate] | tuple[Literal["ignored"], None]
)


# Names of the parts presets compute with but do not store.
PART_LABELS = {"engaged_sessions": gettext_lazy("engaged sessions")}


def _part_label(role: str) -> str:
    if role in PART_LABELS:
        return str(PART_LABELS[role])
    return str(Metric(role).label)


class ToolLayout(Layout):
    """The export of one analytics tool: a row per day of one site or shop."""

    needs_account = True
    tool: str | Promise = ""
    date_names: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    rates: tuple[Rate, ...] = ()
    complements: tuple[Complement, ...] = ()
    # Columns of the tool that the catalogue does not measure: named, left out.
    ignored: tuple[str, ...] = ()
    # Words in the lines above the header that name the tool (detection's tie-break).
    hints: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._vocabulary: dict[str, VocabularyEntry] = {}
        for name in self.date_names:
            self._vocabulary[column_key(name)] = ("date", None)
        for column in self.columns:
            for name in column.names:
                self._vocabulary[column_key(name)] = ("column", column)
        for rate in self.rates:
            for name in rate.names:
                self._vocabulary[column_key(name)] = ("rate", rate)
        for name in self.ignored:
            self._vocabulary[column_key(name)] = ("ignored", None)

    # -- the header -------------------------------------------------------------------------
    def _role_of(self, cell: object) -> VocabularyEntry | None:
        return self._vocabulary.get(column_key(cell))

    def header(self, rows: Iterator[tuple[int, list]]) -> tuple[int, list] | None:
        """The first row with a date column and a column of the tool; failing that (within
        ``HEAD_ROWS`` rows), the first row that looks like a header, for the error."""
        candidate = None
        for seen, (number, cells) in enumerate(rows, start=1):
            texts = [c for c in cells if _cell_text(c)]
            if not texts or _cell_text(texts[0]).startswith("#"):
                continue
            roles = [found[0] for c in texts if (found := self._role_of(c)) is not None]
            if "date" in roles and any(role in ("column", "rate") for role in roles):
                return number, cells
            if candidate is None and len(texts) >= 2:
                candidate = (number, cells)
            if seen >= HEAD_ROWS:
                break
        return candidate

    def score(self, header: list) -> int:
        return sum(1 for c in header if _cell_text(c) and self._role_of(c) is not None)

    def hinted(self, preamble: list[list]) -> bool:
        text = " ".join(_cell_text(c) for cells in preamble for c in cells)
        return any(hint in text for hint in self.hints)

    def bind(self, header: list, context: ImportContext) -> ToolBound:
        reasons: list[str] = []
        date_index: int | None = None
        by_role: dict[str, list[tuple[int, Column, str]]] = {}
        rates: list[tuple[int, Rate, str]] = []
        left_out: list[str] = []
        for index, cell in enumerate(header):
            name = _cell_text(cell)
            if not name:
                continue
            found = self._role_of(cell)
            if found is None:
                reasons.append(_("unknown column “%(name)s”") % {"name": name})
                continue
            # Tested by index, not unpacked: that is how the entry's kind narrows its spec.
            if found[0] == "date":
                if date_index is not None:
                    reasons.append(_("column “%(name)s” appears twice") % {"name": name})
                date_index = index
            elif found[0] == "column":
                spec = found[1]
                by_role.setdefault(spec.role, []).append((index, spec, name))
            elif found[0] == "rate":
                rate = found[1]
                if any(r is rate for _i, r, _n in rates):
                    reasons.append(_("column “%(name)s” appears twice") % {"name": name})
                rates.append((index, rate, name))
            else:
                left_out.append(name)
        columns: list[tuple[int, Column, str]] = []
        for role, named in by_role.items():
            primary = [f for f in named if not f[1].fallback] or named[:1]
            if len(primary) > 1:
                reasons.append(_("columns “%(first)s” and “%(second)s” are both %(metric)s") % {
                    "first": primary[0][2], "second": primary[1][2], "metric": _part_label(role),
                })
            columns.append(primary[0])
            left_out.extend(f[2] for f in named if f is not primary[0])
        if date_index is None:
            reasons.append(_("missing date column %(names)s") % {
                "names": "/".join(self.date_names)
            })
        if not columns and not rates:
            reasons.append(_("no metric column"))
        if reasons:
            raise HeaderError(reasons)
        assert date_index is not None  # a missing date column raised above
        return ToolBound(self, context, date_index, sorted(columns), rates, left_out)

    def describe(self, header: list) -> list[str]:
        """What each header cell becomes, in the reader's language ("" when left out)."""
        described = []
        for cell in header:
            found = self._role_of(cell)
            if found is None or found[0] == "ignored":
                described.append("")
            elif found[0] == "date":
                described.append(_("Date"))
            elif found[0] == "column":
                role = found[1].role
                described.append(
                    str(Metric(role).label) if role in STORED_METRICS
                    else _("%(part)s (used to compute a rate)") % {"part": _part_label(role)}
                )
            else:
                rate = found[1]
                described.append(_("%(rate)s, re-derived: %(numerator)s ÷ %(denominator)s") % {
                    "rate": str(Metric(rate.metric).label) if rate.metric else _cell_text(cell),
                    "numerator": _part_label(rate.numerator),
                    "denominator": _part_label(rate.denominator),
                })
        return described

    def column_name(self, role: str) -> str:
        """The tool's own name for the column giving ``role`` (for notes)."""
        for column in self.columns:
            if column.role == role:
                return column.names[0]
        return _part_label(role)

    # -- cells ------------------------------------------------------------------------------
    def parse_date(self, cell: object) -> datetime.date | None:
        if isinstance(cell, str):
            cell = _WEEKDAY_TAIL.sub("", cell.strip())
        return super().parse_date(cell)

    def parse_value(self, cell: object, kind: str) -> Decimal | None | str:
        """The cell as a ``kind`` value; None for no data; a problem code when unusable."""
        if kind in (COUNT, NUMBER):
            return self.parse_number(cell)
        if kind == MONEY:
            if isinstance(cell, str):
                cell = _CURRENCY.sub("", cell.strip())
            return self.parse_number(cell)
        if kind == RATIO:
            return _ratio(cell)
        return _seconds(cell)


def _exact(cell: object) -> Decimal | None | str:
    """The cell as an unrounded non-negative decimal (rates keep every place the file gives)."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        return NON_NUMERIC
    if isinstance(cell, int):
        value = Decimal(cell)
    elif isinstance(cell, float):
        value = Decimal(repr(cell))
    else:
        text = _cell_text(cell)
        if text in BLANKS:
            return None
        if "," in text and _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            return NON_NUMERIC
    if not value.is_finite():
        return NON_NUMERIC
    if value < 0:
        return NEGATIVE
    return value


def _ratio(cell: object) -> Decimal | None | str:
    """45.67% → 0.4567; a bare number is already a ratio (GA4 writes 0.4567)."""
    if isinstance(cell, str) and cell.strip().endswith("%"):
        value = _exact(cell.strip()[:-1])
        return value / 100 if isinstance(value, Decimal) else value
    value = _exact(cell)
    if isinstance(value, Decimal) and value > 1:
        return OVER_ONE
    return value


def _seconds(cell: object) -> Decimal | None | str:
    """00:02:35, 2:35, 2分35秒, a time or timedelta cell, or a number of seconds → seconds."""
    if isinstance(cell, datetime.timedelta):
        return Decimal(repr(cell.total_seconds()))
    if isinstance(cell, datetime.time):
        return Decimal(cell.hour * 3600 + cell.minute * 60 + cell.second)
    if not isinstance(cell, str):
        return _exact(cell)
    text = cell.strip().removesuffix("s").strip()
    clock = _CLOCK.match(text)
    if clock:
        hours, minutes, seconds = clock.groups()
        return Decimal(hours or 0) * 3600 + Decimal(minutes) * 60 + Decimal(seconds)
    chinese = _CHINESE_DURATION.match(text)
    if chinese and text and any(chinese.groups()):
        hours, minutes, seconds = (Decimal(g or 0) for g in chinese.groups())
        return hours * 3600 + minutes * 60 + seconds
    return _exact(text)


def _stored(value: Decimal) -> Decimal | str:
    value = value.quantize(QUANTUM, rounding=ROUND_HALF_UP)
    return TOO_LARGE if value > MAX_VALUE else value


# Row spans a note lists before it says "…": a file of days rarely needs more.
SPANS_SHOWN = 20


class RowSpans:
    """Row numbers, added in order, kept as spans (a long file costs a few spans)."""

    def __init__(self) -> None:
        self.spans: list[list[int]] = []
        self.count = 0

    def add(self, number: int) -> None:
        self.count += 1
        if self.spans and number == self.spans[-1][1] + 1:
            self.spans[-1][1] = number
        else:
            self.spans.append([number, number])

    def __len__(self) -> int:
        return self.count

    def __str__(self) -> str:
        """5, 6, 7, 9 → "5–7, 9"."""
        shown = [str(a) if a == b else f"{a}–{b}" for a, b in self.spans[:SPANS_SHOWN]]
        if len(self.spans) > SPANS_SHOWN:
            shown.append("…")
        return pgettext("list separator", ", ").join(shown)


@dataclass
class _Outcome:
    """Rows on which a rate column was kept as given (a part derived from it) or left out."""

    kept: dict[str, RowSpans] = field(default_factory=dict)  # derived role -> rows
    left_out: RowSpans = field(default_factory=RowSpans)


class ToolBound(BoundLayout):
    def __init__(
        self, layout: ToolLayout, context: ImportContext, date_index: int,
        columns: list[tuple[int, Column, str]], rates: list[tuple[int, Rate, str]],
        left_out: list[str],
    ) -> None:
        self.layout = layout
        self.context = context
        self.date_index = date_index
        self.columns = columns
        self.rates = rates
        self.left_out = left_out
        self.names = {column.role: name for _i, column, name in columns}
        self.width = max([date_index, *(i for i, _c, _n in columns), *(i for i, _r, _n in rates)]) + 1
        self.outcomes = {name: _Outcome() for _i, _r, name in rates}
        self.data_seen = False
        self.ended_at: int | None = None

    def parse(self, cells: list, number: int) -> ParsedRow | None:
        if len(cells) < self.width:
            cells = [*cells, *([None] * (self.width - len(cells)))]
        texts = [_cell_text(c) for c in cells]
        first = next((t for t in texts if t), "")
        if not first:
            return None
        layout = self.layout
        if first.startswith("#") or column_key(first) in TOTAL_LABELS:
            if self.data_seen:
                if first.startswith("#"):
                    self.ended_at = number
                raise TableEnd
            return None
        if not texts[self.date_index] and not self.data_seen:
            # A totals row without a label, right under the header (GA4 explorations).
            return None
        self.data_seen = True
        reasons: list[str] = []
        day = layout.parse_date(cells[self.date_index])
        if day is None:
            reasons.append(_("bad date “%(value)s”") % {"value": texts[self.date_index]})
        values: dict[str, Decimal] = {}
        for index, column, name in self.columns:
            value = layout.parse_value(cells[index], column.kind)
            if isinstance(value, str):
                reasons.append(value_problem(value, texts[index], name))
            elif value is not None:
                values[column.role] = value
        given: list[tuple[Rate, str, Decimal]] = []
        for index, rate, name in self.rates:
            value = layout.parse_value(cells[index], rate.kind)
            if value == OVER_ONE:
                reasons.append(_(
                    "rate “%(value)s” in column %(column)s is over 100%%: write it as %(value)s%%"
                ) % {"value": texts[index], "column": name})
            elif isinstance(value, str):
                reasons.append(value_problem(value, texts[index], name))
            elif value is not None:
                given.append((rate, name, value))
        if reasons:
            raise RowError(reasons)
        self._combine(values, given, number, reasons)
        if reasons:
            raise RowError(reasons)
        points = [(role, value) for role, value in values.items() if role in STORED_METRICS]
        # A bad date added its reason above.
        assert day is not None
        account_id = self.context.fixed_account_id
        # import_create refuses a tool's file without the account it belongs to. Should that
        # account be deleted before the run (the batch keeps it SET_NULL), storing the rows
        # would fail on the points' NOT NULL account; it fails here instead.
        assert account_id is not None
        return ParsedRow(date=day, account_id=account_id, values=points)

    def _combine(
        self, values: dict[str, Decimal], given: list[tuple[Rate, str, Decimal]], number: int,
        reasons: list[str],
    ) -> None:
        """Fill the parts the row lacks from its complements and rates (as given)."""
        pending = list(given)
        changed = True
        while changed:
            changed = False
            for complement in self.layout.complements:
                whole, part = values.get(complement.whole), values.get(complement.part)
                if complement.role not in values and whole is not None and part is not None:
                    values[complement.role] = max(whole - part, Decimal(0))
                    changed = True
            for entry in list(pending):
                rate, name, value = entry
                top, bottom = values.get(rate.numerator), values.get(rate.denominator)
                if top is not None and bottom is not None:
                    pending.remove(entry)  # re-derived from the row's own parts
                    continue
                if bottom is not None:
                    derived, role = value * bottom, rate.numerator
                elif top is not None and value:
                    derived, role = top / value, rate.denominator
                else:
                    continue
                stored = _stored(derived)
                if isinstance(stored, str):
                    reasons.append(value_problem(stored, str(derived), name))
                    return
                values[role] = stored
                self.outcomes[name].kept.setdefault(role, RowSpans()).add(number)
                pending.remove(entry)
                changed = True
        for _rate, name, _value in pending:
            self.outcomes[name].left_out.add(number)

    def notes(self) -> list[str]:
        notes = []
        for _index, rate, name in self.rates:
            outcome = self.outcomes[name]
            for role, rows in outcome.kept.items():
                if role == rate.numerator:
                    formula = _("%(part)s = %(rate)s × %(other)s") % {
                        "part": _part_label(role), "rate": name,
                        "other": self.names.get(rate.denominator, _part_label(rate.denominator)),
                    }
                else:
                    formula = _("%(part)s = %(other)s ÷ %(rate)s") % {
                        "part": _part_label(role), "rate": name,
                        "other": self.names.get(rate.numerator, _part_label(rate.numerator)),
                    }
                text = _(
                    "“%(column)s” kept as given on row %(rows)s: stored as %(formula)s, "
                    "so that day reads back as the file gives it"
                ) if len(rows) == 1 else _(
                    "“%(column)s” kept as given on rows %(rows)s: stored as %(formula)s, "
                    "so those days read back as the file gives them"
                )
                notes.append(text % {
                    "column": name, "rows": str(rows), "formula": formula,
                })
            if outcome.left_out:
                text = _(
                    "“%(column)s” not imported on row %(rows)s: a daily rate adds up with "
                    "other days only through its parts, and that row lacks %(denominator)s"
                ) if len(outcome.left_out) == 1 else _(
                    "“%(column)s” not imported on rows %(rows)s: a daily rate adds up with "
                    "other days only through its parts, and those rows lack %(denominator)s"
                )
                notes.append(text % {
                    "column": name, "rows": str(outcome.left_out),
                    "denominator": self._part_name(rate.denominator),
                })
        if self.left_out:
            notes.append(_("Columns not imported (no catalogue metric measures them): %(columns)s") % {
                "columns": pgettext("list separator", ", ").join(
                    f"“{name}”" for name in self.left_out
                ),
            })
        if self.ended_at is not None:
            notes.append(_(
                "Only the file's first table was read: another begins on row %(number)s."
            ) % {"number": self.ended_at})
        return notes

    def _part_name(self, role: str) -> str:
        name = self.names.get(role) or self.layout.column_name(role)
        return f"“{name}”"


class BaiduTongjiLayout(ToolLayout):
    """百度统计 → 流量分析 → 趋势分析, by day, downloaded as CSV (GB18030)."""

    code = "baidu_tongji"
    label = gettext_lazy("Baidu Tongji (百度统计): trend analysis by day")
    tool = gettext_lazy("Baidu Tongji")
    platforms = ("website",)
    date_names = ("日期", "时间", "统计日期", "Date")
    columns = (
        Column(("浏览量(PV)", "浏览量", "PV"), Metric.PAGE_VIEWS),
        Column(("访客数(UV)", "访客数", "UV"), Metric.VISITORS),
        Column(("访问次数",), Metric.SESSIONS),
        Column(("转化次数",), Metric.CONVERSIONS),
    )
    rates = (
        Rate(("跳出率",), Metric.BOUNCED_SESSIONS, Metric.SESSIONS, metric=Metric.BOUNCE_RATE),
        Rate(("平均访问时长",), Metric.SESSION_SECONDS, Metric.SESSIONS, DURATION,
             metric=Metric.AVG_SESSION_SECONDS),
        Rate(("平均访问页数",), Metric.PAGE_VIEWS, Metric.SESSIONS, NUMBER),
        Rate(("转化率",), Metric.CONVERSIONS, Metric.SESSIONS),
    )
    ignored = ("IP数", "新访客数", "新访客比率", "贡献浏览量", "事件总数")
    hints = ("百度统计", "tongji.baidu")


class ShengyiCanmouLayout(ToolLayout):
    """生意参谋 → 首页 / 交易 → 交易概况 (or 取数), by day, downloaded as XLSX."""

    code = "sycm"
    label = gettext_lazy("Shengyi Canmou (生意参谋): shop overview by day")
    tool = gettext_lazy("Shengyi Canmou")
    platforms = ("taobao",)
    date_names = ("统计日期", "日期", "时间")
    columns = (
        Column(("访客数",), Metric.VISITORS),
        Column(("浏览量",), Metric.PAGE_VIEWS),
        Column(("支付金额",), Metric.REVENUE, MONEY),
        Column(("支付买家数",), Metric.BUYERS),
        Column(("支付件数",), Metric.UNITS_SOLD),
    )
    rates = (
        Rate(("支付转化率",), Metric.BUYERS, Metric.VISITORS, metric=Metric.CONVERSION_RATE),
        Rate(("客单价",), Metric.REVENUE, Metric.BUYERS, MONEY, metric=Metric.AOV),
        Rate(("人均浏览量",), Metric.PAGE_VIEWS, Metric.VISITORS, NUMBER),
    )
    ignored = (
        # Per visitor, not per session (跳失率, 平均停留时长), or not a catalogue metric.
        "跳失率", "平均停留时长", "支付子订单数", "支付父订单数", "下单买家数", "下单金额",
        "下单件数", "下单转化率", "加购人数", "加购件数", "商品收藏买家数", "店铺收藏买家数",
        "支付老买家数", "老买家数", "新买家数", "UV价值", "成功退款金额", "商品访客数",
        "商品浏览量", "直通车消耗", "钻展消耗",
    )
    hints = ("生意参谋", "sycm")


class GoogleAnalytics4Layout(ToolLayout):
    """GA4 → Reports or Explore, with Date as the dimension, downloaded as CSV."""

    code = "ga4"
    label = gettext_lazy("Google Analytics 4: report or exploration by date")
    tool = gettext_lazy("Google Analytics 4")
    platforms = ("website",)
    date_names = ("Date", "日期")
    columns = (
        Column(("Sessions", "会话数"), Metric.SESSIONS),
        Column(("Engaged sessions", "互动会话数"), "engaged_sessions"),
        Column(("Total users", "总用户数", "用户总数"), Metric.VISITORS),
        Column(("Active users", "活跃用户", "活跃用户数", "Users", "用户"), Metric.VISITORS,
               fallback=True),
        Column(("Views", "Screen page views", "浏览次数"), Metric.PAGE_VIEWS),
        Column(("Key events", "Conversions", "关键事件", "转化次数"), Metric.CONVERSIONS),
        Column(("Total revenue", "总收入"), Metric.REVENUE, MONEY),
        Column(("Purchase revenue", "购买收入"), Metric.REVENUE, MONEY, fallback=True),
        Column(("Ecommerce purchases", "Transactions", "电子商务购买次数", "交易次数"),
               Metric.ORDERS),
        Column(("Total purchasers", "购买者总数"), Metric.BUYERS),
    )
    rates = (
        Rate(("Bounce rate", "跳出率"), Metric.BOUNCED_SESSIONS, Metric.SESSIONS,
             metric=Metric.BOUNCE_RATE),
        Rate(("Engagement rate", "互动率"), "engaged_sessions", Metric.SESSIONS),
        Rate(("Average session duration", "平均会话时长"), Metric.SESSION_SECONDS,
             Metric.SESSIONS, DURATION, metric=Metric.AVG_SESSION_SECONDS),
        Rate(("Views per session", "每次会话浏览次数"), Metric.PAGE_VIEWS, Metric.SESSIONS,
             NUMBER),
    )
    complements = (Complement(Metric.BOUNCED_SESSIONS, Metric.SESSIONS, "engaged_sessions"),)
    ignored = (
        "New users", "新用户数", "Returning users", "Event count", "事件数",
        "Average engagement time", "Average engagement time per session",
        "Average engagement time per active user", "平均互动时长", "User engagement",
        "Engaged sessions per active user", "Engaged sessions per user",
        "Session key event rate", "User key event rate", "Events per session",
        "Views per active user", "Views per user",
    )
    hints = ("#", "Google Analytics")

    def hinted(self, preamble: list[list]) -> bool:
        # GA4 opens its files with a block of "#" comment lines.
        return any(_cell_text(cells[0]).startswith("#") for cells in preamble if cells) or (
            super().hinted(preamble)
        )


PRESETS = tuple(
    layout_register(layout())
    for layout in (BaiduTongjiLayout, ShengyiCanmouLayout, GoogleAnalytics4Layout)
)
