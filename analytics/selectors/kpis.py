"""KPI progress and pacing (S2.1.2, S2.4.1): where each KPI stands and where it is heading.

A KPI is measured over its window: from the campaign's start to the KPI's
deadline. Counts and money accumulate, so they pace against a straight line
(expected today = elapsed days ÷ window days × target) and are forecast at
their run rate (actual ÷ elapsed × window days). Rates and averages do not
accumulate: they are expected at target every day and forecast at their
current value. Pacing is the forecast against the target, in bands:

=========  =================================================
ahead      forecast ≥ 110 % of target
on_track   forecast ≥ 95 %
behind     forecast ≥ 75 %
at_risk    below 75 %
=========  =================================================

For a KPI whose direction is "decrease" the ratio is inverted (target ÷
forecast), so "ahead" always means better than planned. Before its window
has a completed day, or without any data, a KPI has no forecast and no pacing
(``None``).

Values come from the daily rollups only; rates are ratios of summed parts,
never averages of daily rates.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.planning.models import KPI, Campaign, Direction
from campaigns.planning.selectors import campaigns_visible_to
from platforms.metrics import Metric
from platforms.metrics import is_derived as catalogue_is_derived

from ..models import DailyRollup
from .metrics import metric_recipe

AHEAD, ON_TRACK, BEHIND, AT_RISK = "ahead", "on_track", "behind", "at_risk"
# (lower bound of forecast ÷ target, pacing), best first.
PACING_BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal("1.10"), AHEAD),
    (Decimal("0.95"), ON_TRACK),
    (Decimal("0.75"), BEHIND),
)
PACING_LABELS = {
    AHEAD: _("Ahead"),
    ON_TRACK: _("On track"),
    BEHIND: _("Behind"),
    AT_RISK: _("At risk"),
}
# Bootstrap colour per pacing, shared by gauges, badges and the portfolio.
PACING_COLOURS = {AHEAD: "success", ON_TRACK: "primary", BEHIND: "warning", AT_RISK: "danger"}
PACING_ORDER = {AT_RISK: 0, BEHIND: 1, ON_TRACK: 2, AHEAD: 3}

PLACES = Decimal("0.0001")


def metric_parts(metric: str) -> tuple[str, ...]:
    """The stored metrics a catalogue metric is summed from: itself, or its ratio's two parts."""
    return tuple(sorted(metric_recipe(metric).parts))


def is_derived(metric: str) -> bool:
    """Rates and averages: a ratio of two sums, which does not accumulate over days."""
    return catalogue_is_derived(metric)


def combine(metric: str, sums: Mapping[str, Decimal | None]) -> Decimal | None:
    """The metric's value from summed parts (``metrics.Recipe``): a sum, or a ratio of sums.

    ``None`` when there is no data (or a zero denominator): an unknown is not a zero.
    """
    return metric_recipe(metric).value({k: v for k, v in sums.items() if v is not None})


def metric_label(metric: str) -> str:
    """A metric code as the reader's word for it; an unknown code stays as it is."""
    try:
        return str(Metric(metric).label)
    except ValueError:
        return metric


def pacing_for(ratio: Decimal | None) -> str | None:
    """The band a forecast ÷ target ratio falls in (see the module docstring)."""
    if ratio is None:
        return None
    for bound, pacing in PACING_BANDS:
        if ratio >= bound:
            return pacing
    return AT_RISK


@dataclass
class KPIStatus:
    """One KPI as of a day: actual, target, progress, straight-line expectation, pacing."""

    id: int
    metric: str
    platform: str | None
    actual: Decimal | None
    target: Decimal
    progress: Decimal | None
    expected: Decimal | None
    forecast: Decimal | None
    pacing: str | None
    window_start: datetime.date
    window_end: datetime.date
    elapsed_days: int
    total_days: int
    direction: str
    kpi: KPI

    @property
    def metric_label(self) -> str:
        return metric_label(self.metric)

    @property
    def pacing_label(self) -> str:
        return str(PACING_LABELS[self.pacing]) if self.pacing else ""

    @property
    def pacing_colour(self) -> str:
        return PACING_COLOURS.get(self.pacing or "", "secondary")

    def as_dict(self) -> dict:
        """JSON-safe numbers (floats) for the API, snapshots and figures."""
        data = {}
        for name in STATUS_FIELDS:
            value = getattr(self, name)
            if isinstance(value, Decimal):
                value = float(value)
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            data[name] = value
        return data


# What a status says, in order (the KPI row it came from stays out of snapshots).
STATUS_FIELDS = tuple(f.name for f in fields(KPIStatus) if f.name != "kpi")


def kpi_window(kpi: KPI) -> tuple[datetime.date, datetime.date]:
    """The days a KPI is measured over: the campaign's start through the KPI's deadline."""
    campaign = kpi.goal.campaign
    return campaign.start_date, max(kpi.deadline, campaign.start_date)


def measure(metric: str, by_account: dict[int, dict[str, Decimal]]) -> Decimal | None:
    """A KPI's value from its parts summed per account (``{account: {part: sum}}``).

    Per account because a rate with alternative parts (a shop's conversion rate
    is paying buyers per visitor) takes, account by account, the pair that
    account measures (``metrics.Recipe.value_by_account``); other metrics add
    the accounts' sums up. ``None`` without data or with a zero denominator.
    """
    return metric_recipe(metric).value_by_account(by_account)


def _progress(direction: str, actual: Decimal | None, target: Decimal) -> Decimal | None:
    """How far a KPI has come: 1 (100 %) when its target is reached.

    A KPI that should fall (a bounce rate from 50 % down to 30 %, complaints
    kept under 20) reaches its target when the actual is at or below it, so
    its progress is target ÷ actual, the mirror of the pacing ratio; one at
    zero is as good as it gets.
    """
    if actual is None:
        return None
    if direction == Direction.DECREASE:
        if actual <= 0:
            return Decimal(1).quantize(PLACES)
        return (target / actual).quantize(PLACES)
    return (actual / target).quantize(PLACES) if target else None


def _status(kpi: KPI, actual: Decimal | None, today: datetime.date) -> KPIStatus:
    start, end = kpi_window(kpi)
    total = (end - start).days + 1
    # Days completed before ``today``: platforms deliver yesterday's data, so
    # counting today would call every KPI behind each morning.
    elapsed = min(max((today - start).days, 0), total)
    target = kpi.target
    derived = is_derived(kpi.metric)
    if derived:
        expected = target
        forecast = actual if elapsed else None
    else:
        expected = (target * elapsed / total).quantize(PLACES)
        forecast = (actual * total / elapsed).quantize(PLACES) if (
            actual is not None and elapsed
        ) else None
    progress = _progress(kpi.direction, actual, target)
    ratio = None
    if forecast is not None:
        if kpi.direction == Direction.DECREASE:
            ratio = (target / forecast) if forecast else Decimal("Infinity")
        elif target:
            ratio = forecast / target
        else:
            ratio = Decimal("Infinity")
    return KPIStatus(
        id=kpi.pk, metric=kpi.metric,
        platform=kpi.platform.code if kpi.platform is not None else None,
        actual=actual,
        target=target, progress=progress, expected=expected, forecast=forecast,
        pacing=pacing_for(ratio), window_start=start, window_end=end,
        elapsed_days=elapsed, total_days=total, direction=kpi.direction, kpi=kpi,
    )


def kpi_statuses(
    kpis: Iterable[KPI], *, today: datetime.date | None = None,
    through: datetime.date | None = None,
) -> list[KPIStatus]:
    """Progress and pacing of the given KPIs, in one rollup query whatever their number.

    The KPIs come with ``goal__campaign`` and ``platform`` loaded (a scoped
    selector gives them so). Each KPI sums its own window and platform, up to
    ``through`` when given (a review looks at the data as of its day); the
    sums come per account, one row each, for the rates that need them (``measure``).
    """
    today = today or timezone.localdate()
    kpis = list(kpis)
    aggregates = {}
    for kpi in kpis:
        start, end = kpi_window(kpi)
        if through is not None:
            end = min(end, through)
        for part in metric_parts(kpi.metric):
            condition = Q(
                campaign_id=kpi.goal.campaign_id, metric=part, date__gte=start, date__lte=end
            )
            if kpi.platform_id:
                condition &= Q(platform_id=kpi.platform_id)
            aggregates[f"k{kpi.pk}_{part}"] = Sum("value", filter=condition)
    rows: list[Mapping[str, Any]] = []
    if aggregates:
        campaign_ids = {kpi.goal.campaign_id for kpi in kpis}
        rows = list(
            DailyRollup.objects.filter(campaign_id__in=campaign_ids)
            .values("account_id").annotate(**aggregates).order_by()
        )
    statuses = []
    for kpi in kpis:
        by_account: dict[int, dict[str, Decimal]] = {}
        for row in rows:
            sums = {
                part: row[f"k{kpi.pk}_{part}"] for part in metric_parts(kpi.metric)
                if row[f"k{kpi.pk}_{part}"] is not None
            }
            if sums:
                by_account[row["account_id"]] = sums
        statuses.append(_status(kpi, measure(kpi.metric, by_account), today))
    return statuses


# A rollup row as the campaign dashboard reads it.
RollupRow = tuple[int, int, str, datetime.date, Decimal]  # account, platform, metric, day, value


def kpi_statuses_of_rows(
    kpis: Iterable[KPI], rows_by_metric: dict[str, list[RollupRow]], *,
    today: datetime.date | None = None,
) -> list[KPIStatus]:
    """``kpi_statuses`` of one campaign's KPIs from rollup rows already read, no query.

    ``rows_by_metric`` holds the campaign's rollup rows of every day of the
    KPIs' windows (more days do no harm), grouped by metric. Same sums, same
    statuses as ``kpi_statuses``.
    """
    today = today or timezone.localdate()
    statuses = []
    for kpi in kpis:
        start, end = kpi_window(kpi)
        platform_id = kpi.platform_id
        by_account: dict[int, dict[str, Decimal]] = {}
        for part in metric_parts(kpi.metric):
            for account_id, row_platform, _metric, day, value in rows_by_metric.get(part, ()):
                if day < start or day > end or (platform_id and row_platform != platform_id):
                    continue
                sums = by_account.setdefault(account_id, {})
                sums[part] = sums[part] + value if part in sums else value
        statuses.append(_status(kpi, measure(kpi.metric, by_account), today))
    return statuses


def kpis_of_campaigns(campaign_ids: Iterable[int]) -> QuerySet[KPI]:
    """The KPIs of these campaigns with what ``kpi_statuses`` reads, in plan order."""
    return (
        KPI.objects.filter(goal__campaign_id__in=list(campaign_ids))
        .select_related("goal__campaign", "platform")
        .order_by("goal__campaign_id", "goal__order", "goal_id", "id")
    )


def kpis_of_campaign(campaign: Campaign) -> list[KPI]:
    """One campaign's KPIs in plan order, ready for ``kpi_statuses``: one query.

    The campaign the caller holds becomes each goal's campaign, so the query
    neither joins nor rebuilds it.
    """
    kpis = list(
        KPI.objects.filter(goal__campaign_id=campaign.pk)
        .select_related("goal", "platform")
        .order_by("goal__order", "goal_id", "id")
    )
    for kpi in kpis:
        kpi.goal.campaign = campaign
    return kpis


def campaign_kpi_statuses(
    user: User, campaign_id: int, *, today: datetime.date | None = None
) -> tuple[Campaign, list[KPIStatus]]:
    """A visible campaign and its KPIs' statuses; ``Campaign.DoesNotExist`` for any other id."""
    campaign = campaigns_visible_to(user).get(pk=campaign_id)
    return campaign, kpi_statuses(kpis_of_campaign(campaign), today=today)


def worst_pacing(statuses: Iterable[KPIStatus]) -> str | None:
    """The most worrying pacing among KPIs (at risk before behind …), ``None`` if none has one."""
    pacings = [s.pacing for s in statuses if s.pacing]
    return min(pacings, key=PACING_ORDER.__getitem__) if pacings else None
