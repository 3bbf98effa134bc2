"""The metric catalogue shared by the whole app: KPIs, connectors, imports, rollups.

Rates are stored as ratios (0.05) and shown as percentages (5%); money is CNY;
durations are seconds. Web and shop analytics tools (百度统计, 生意参谋, Google
Analytics) measure the visit metrics (page views … paying buyers); platform
back-ends measure the rest.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Metric(models.TextChoices):
    IMPRESSIONS = "impressions", _("Impressions")
    READS = "reads", _("Reads")
    PLAYS = "plays", _("Plays")
    CLICKS = "clicks", _("Clicks")
    CTR = "ctr", _("Click-through rate")
    INTERACTIONS = "interactions", _("Interactions")
    LIKES = "likes", _("Likes")
    COMMENTS = "comments", _("Comments")
    SHARES = "shares", _("Shares")
    FOLLOWERS_GAINED = "followers_gained", _("New followers")
    REGISTRATIONS = "registrations", _("Registrations")
    LEADS = "leads", _("Leads")
    CONVERSIONS = "conversions", _("Conversions")
    CONVERSION_RATE = "conversion_rate", _("Conversion rate")
    ORDERS = "orders", _("Orders")
    UNITS_SOLD = "units_sold", _("Units sold")
    REVENUE = "revenue", _("Revenue")
    AOV = "aov", _("Average order value")
    PAGE_VIEWS = "page_views", _("Page views")
    VISITORS = "visitors", _("Visitors")
    # "Sessions" alone is a training session elsewhere in the product.
    SESSIONS = "sessions", pgettext_lazy("metric", "Sessions")
    BOUNCED_SESSIONS = "bounced_sessions", _("Bounced sessions")
    BOUNCE_RATE = "bounce_rate", _("Bounce rate")
    SESSION_SECONDS = "session_seconds", _("Total session duration")
    AVG_SESSION_SECONDS = "avg_session_seconds", _("Average session duration")
    BUYERS = "buyers", _("Paying buyers")


class MetricKind(models.TextChoices):
    COUNT = "count", _("Count")
    RATIO = "ratio", _("Rate")
    MONEY = "money", _("Amount (CNY)")
    DURATION = "duration", _("Duration (seconds)")


@dataclass(frozen=True)
class MetricInfo:
    code: str
    kind: str
    # How the metric combines across days or posts: "sum" for counts and money,
    # a ratio of two summed metrics for rates and averages.
    numerator: str | None = None
    denominator: str | None = None
    # Other (numerator, denominator) pairs that measure the same rate where an
    # account has no data for the main pair's denominator: a shop's conversion
    # rate is paying buyers per visitor (生意参谋 counts visits, not clicks).
    # Each account adds the parts of the pair it measures (see
    # ``analytics.selectors.metrics``), so the rate stays a ratio of sums.
    alternatives: tuple[tuple[str, str], ...] = ()


METRICS: dict[str, MetricInfo] = {
    Metric.IMPRESSIONS: MetricInfo(Metric.IMPRESSIONS, MetricKind.COUNT),
    Metric.READS: MetricInfo(Metric.READS, MetricKind.COUNT),
    Metric.PLAYS: MetricInfo(Metric.PLAYS, MetricKind.COUNT),
    Metric.CLICKS: MetricInfo(Metric.CLICKS, MetricKind.COUNT),
    Metric.CTR: MetricInfo(Metric.CTR, MetricKind.RATIO, Metric.CLICKS, Metric.IMPRESSIONS),
    Metric.INTERACTIONS: MetricInfo(Metric.INTERACTIONS, MetricKind.COUNT),
    Metric.LIKES: MetricInfo(Metric.LIKES, MetricKind.COUNT),
    Metric.COMMENTS: MetricInfo(Metric.COMMENTS, MetricKind.COUNT),
    Metric.SHARES: MetricInfo(Metric.SHARES, MetricKind.COUNT),
    Metric.FOLLOWERS_GAINED: MetricInfo(Metric.FOLLOWERS_GAINED, MetricKind.COUNT),
    Metric.REGISTRATIONS: MetricInfo(Metric.REGISTRATIONS, MetricKind.COUNT),
    Metric.LEADS: MetricInfo(Metric.LEADS, MetricKind.COUNT),
    Metric.CONVERSIONS: MetricInfo(Metric.CONVERSIONS, MetricKind.COUNT),
    Metric.CONVERSION_RATE: MetricInfo(
        Metric.CONVERSION_RATE, MetricKind.RATIO, Metric.CONVERSIONS, Metric.CLICKS,
        alternatives=((Metric.BUYERS, Metric.VISITORS),),
    ),
    Metric.ORDERS: MetricInfo(Metric.ORDERS, MetricKind.COUNT),
    Metric.UNITS_SOLD: MetricInfo(Metric.UNITS_SOLD, MetricKind.COUNT),
    Metric.REVENUE: MetricInfo(Metric.REVENUE, MetricKind.MONEY),
    # 生意参谋's 客单价 is revenue per paying buyer: the pair a shop without an
    # order count measures.
    Metric.AOV: MetricInfo(
        Metric.AOV, MetricKind.MONEY, Metric.REVENUE, Metric.ORDERS,
        alternatives=((Metric.REVENUE, Metric.BUYERS),),
    ),
    Metric.PAGE_VIEWS: MetricInfo(Metric.PAGE_VIEWS, MetricKind.COUNT),
    # Summed over days a visitor counts once a day, as the tools' daily rows count them.
    Metric.VISITORS: MetricInfo(Metric.VISITORS, MetricKind.COUNT),
    Metric.SESSIONS: MetricInfo(Metric.SESSIONS, MetricKind.COUNT),
    Metric.BOUNCED_SESSIONS: MetricInfo(Metric.BOUNCED_SESSIONS, MetricKind.COUNT),
    Metric.BOUNCE_RATE: MetricInfo(
        Metric.BOUNCE_RATE, MetricKind.RATIO, Metric.BOUNCED_SESSIONS, Metric.SESSIONS
    ),
    Metric.SESSION_SECONDS: MetricInfo(Metric.SESSION_SECONDS, MetricKind.DURATION),
    Metric.AVG_SESSION_SECONDS: MetricInfo(
        Metric.AVG_SESSION_SECONDS, MetricKind.DURATION, Metric.SESSION_SECONDS, Metric.SESSIONS
    ),
    Metric.BUYERS: MetricInfo(Metric.BUYERS, MetricKind.COUNT),
}

# Metrics that web and shop analytics tools measure and platform back-ends do not:
# connectors (the sandbox among them) leave them to imports.
VISIT_METRICS = frozenset({
    Metric.PAGE_VIEWS, Metric.VISITORS, Metric.SESSIONS, Metric.BOUNCED_SESSIONS,
    Metric.SESSION_SECONDS, Metric.BUYERS,
})


def metric_kind(code: str) -> str:
    return METRICS[code].kind


def format_metric_value(code: str, value: Decimal | float | None) -> str:
    """A value as people read it: rates as percentages, money with ¥."""
    if value is None:
        return "—"
    kind = metric_kind(code)
    if kind == MetricKind.RATIO:
        return f"{float(value) * 100:.2f}%".replace(".00%", "%")
    if kind == MetricKind.MONEY:
        return f"¥{float(value):,.2f}"
    if kind == MetricKind.DURATION:
        return format_duration(value)
    return f"{float(value):,.0f}"


def format_duration(seconds: Decimal | float) -> str:
    """Seconds as the analytics tools show them: 0:02:35."""
    whole = round(float(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def is_derived(code: str) -> bool:
    """Whether the metric is a ratio of two others (ctr, conversion_rate, aov, bounce_rate …).

    Derived metrics are never stored: they are computed from their summed parts.
    """
    info = METRICS.get(code)
    return info is not None and info.numerator is not None


# The names the catalogue's metrics go by in the headers of spreadsheets and of the
# Chinese platform back-ends' exports; file imports accept them beside the code.
# Several names may point at one metric (分享数 and 转发数 are both shares).
METRIC_NAMES_ZH: dict[str, str] = {
    "曝光量": Metric.IMPRESSIONS,
    "展现量": Metric.IMPRESSIONS,
    "阅读量": Metric.READS,
    "播放量": Metric.PLAYS,
    "点击量": Metric.CLICKS,
    "点击率": Metric.CTR,
    "互动量": Metric.INTERACTIONS,
    "点赞数": Metric.LIKES,
    "评论数": Metric.COMMENTS,
    "分享数": Metric.SHARES,
    "转发数": Metric.SHARES,
    "新增粉丝": Metric.FOLLOWERS_GAINED,
    "注册数": Metric.REGISTRATIONS,
    "线索数": Metric.LEADS,
    "转化数": Metric.CONVERSIONS,
    "转化率": Metric.CONVERSION_RATE,
    "订单量": Metric.ORDERS,
    "订单数": Metric.ORDERS,
    "销量": Metric.UNITS_SOLD,
    "销售额": Metric.REVENUE,
    "客单价": Metric.AOV,
    # The names 百度统计 and 生意参谋 give the visit metrics.
    "浏览量": Metric.PAGE_VIEWS,
    "浏览量(PV)": Metric.PAGE_VIEWS,
    "访客数": Metric.VISITORS,
    "访客数(UV)": Metric.VISITORS,
    "访问次数": Metric.SESSIONS,
    "跳出次数": Metric.BOUNCED_SESSIONS,
    "跳出率": Metric.BOUNCE_RATE,
    "访问总时长": Metric.SESSION_SECONDS,
    "平均访问时长": Metric.AVG_SESSION_SECONDS,
    "支付买家数": Metric.BUYERS,
    "支付金额": Metric.REVENUE,
    "支付转化率": Metric.CONVERSION_RATE,
}
