"""The metric catalogue shared by the whole app: KPIs, connectors, imports, rollups.

Rates are stored as ratios (0.05) and shown as percentages (5%); money is CNY.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


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


class MetricKind(models.TextChoices):
    COUNT = "count", _("Count")
    RATIO = "ratio", _("Rate")
    MONEY = "money", _("Amount (CNY)")


@dataclass(frozen=True)
class MetricInfo:
    code: str
    kind: str
    # How the metric combines across days or posts: "sum" for counts and money,
    # a ratio of two summed metrics for rates and averages.
    numerator: str | None = None
    denominator: str | None = None


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
        Metric.CONVERSION_RATE, MetricKind.RATIO, Metric.CONVERSIONS, Metric.CLICKS
    ),
    Metric.ORDERS: MetricInfo(Metric.ORDERS, MetricKind.COUNT),
    Metric.UNITS_SOLD: MetricInfo(Metric.UNITS_SOLD, MetricKind.COUNT),
    Metric.REVENUE: MetricInfo(Metric.REVENUE, MetricKind.MONEY),
    Metric.AOV: MetricInfo(Metric.AOV, MetricKind.MONEY, Metric.REVENUE, Metric.ORDERS),
}


def metric_kind(code: str) -> str:
    return METRICS[code].kind


def format_metric_value(code: str, value: float | None) -> str:
    """A value as people read it: rates as percentages, money with ¥."""
    if value is None:
        return "—"
    kind = metric_kind(code)
    if kind == MetricKind.RATIO:
        return f"{float(value) * 100:.2f}%".replace(".00%", "%")
    if kind == MetricKind.MONEY:
        return f"¥{float(value):,.2f}"
    return f"{float(value):,.0f}"


def is_derived(code: str) -> bool:
    """Whether the metric is a ratio of two others (ctr, conversion_rate, aov).

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
}
