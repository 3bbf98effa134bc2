"""What the managers' dashboards show (S2.3.3, S2.4.1): a portfolio and one campaign.

Both read the daily rollups only, with a fixed number of queries whatever the
number of campaigns, KPIs, days or accounts: the campaign view reads its
rollup rows once — one row per account, metric and day, through an index
that holds every column it reads — and derives the KPIs, trend, breakdowns
and funnel from them in memory; rates are ratios of the summed parts, never
averages.
Top content is the one panel that needs the content dimension, which rollups
do not keep: it reads the raw points of one campaign through their
(campaign, date) index.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    Max,
    OuterRef,
    QuerySet,
    Sum,
    When,
)
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from campaigns.planning.models import KPI, Campaign, CampaignStatus
from campaigns.planning.selectors import campaigns_visible_to
from platforms.metrics import METRICS, MetricKind
from platforms.models import PlatformAccount
from teams.models import Membership
from teams.roles import ALL_TEAMS_ROLES
from teams.selectors import scope_to_user_teams

from ..models import (
    ActionStatus,
    DailyRollup,
    DashboardArchive,
    DashboardGeneration,
    EvaluationReport,
    Finding,
    MetricPoint,
    OptimisationAction,
    PhaseReview,
)
from .kpis import (
    AT_RISK,
    BEHIND,
    PACING_COLOURS,
    PACING_LABELS,
    KPIStatus,
    RollupRow,
    combine,
    is_derived,
    kpi_statuses,
    kpi_statuses_of_rows,
    kpi_window,
    kpis_of_campaign,
    kpis_of_campaigns,
    measure,
    metric_parts,
    worst_pacing,
)
from .kpis import (
    metric_label as kpi_metric_label,
)
from .metrics import metric_recipe

# Money spent on a platform; the cost side of cost per conversion.
SPEND = "spend"
# The funnel of S2.4.1: exposure → click → conversion → order. Exposure is
# impressions where a platform reports them, else what its content was read or played.
EXPOSURE_METRICS = ("impressions", "reads", "plays")
EXPOSURE_SET = frozenset(EXPOSURE_METRICS)
FUNNEL_STEPS = (
    ("exposure", _("Exposure")),
    ("clicks", _("Clicks")),
    ("conversions", _("Conversions")),
    ("orders", _("Orders")),
)
# Shown in the breakdowns: the funnel's counts and the money.
BREAKDOWN_METRICS = ("exposure", "clicks", "conversions", "orders", "revenue", SPEND)
# Portfolio rows: campaigns people follow; drafts and cancelled ones are asked for by status.
PORTFOLIO_STATUSES = (
    CampaignStatus.PLANNED, CampaignStatus.IN_PRODUCTION, CampaignStatus.RUNNING,
    CampaignStatus.EVALUATING, CampaignStatus.PAUSED, CampaignStatus.CLOSED,
)
PORTFOLIO_PAGE_SIZE = 25
# A running campaign whose newest data is older than this is flagged.
STALE_AFTER_DAYS = 3
# Spend ahead of the calendar by more than this share of the budget is flagged.
OVERSPEND_MARGIN = Decimal("0.10")


# Dashboard metrics that are not catalogue metrics, with their names.
DASHBOARD_METRICS = {
    "exposure": _("Exposure"),
    "click_rate": _("Click rate"),
    "cost_per_conversion": _("Cost per conversion"),
    SPEND: _("Spend"),
}
RATE_METRICS = frozenset({"click_rate"})
# The stored metrics of the catalogue's rates with alternative parts (a shop's
# buyers and visitors …): their rows are kept for per-day series taken account by account.
PER_ACCOUNT_PARTS = frozenset(
    part for code in METRICS if is_derived(code) and metric_recipe(code).per_account
    for part in metric_recipe(code).parts
)
MONEY_METRICS = frozenset({"cost_per_conversion", SPEND})


def metric_name(metric: str) -> str:
    """A catalogue or dashboard metric as the reader's word for it."""
    if metric in DASHBOARD_METRICS and metric not in METRICS:
        return str(DASHBOARD_METRICS[metric])
    return kpi_metric_label(metric)


def metric_format(metric: str, value: Decimal | float | None) -> str:
    """A value as people read it: rates as percentages, money with ¥, counts whole."""
    if value is None:
        return "—"
    info = METRICS.get(metric)
    if metric in RATE_METRICS or (info is not None and info.kind == MetricKind.RATIO):
        return f"{float(value) * 100:.2f}%"
    if metric in MONEY_METRICS or (info is not None and info.kind == MetricKind.MONEY):
        return f"¥{float(value):,.2f}"
    return f"{float(value):,.0f}"


def is_rate_like(metric: str) -> bool:
    """Rates and averages, which do not add up over days (a trend shows them per day)."""
    return metric in RATE_METRICS or metric == "cost_per_conversion" or (
        metric in METRICS and is_derived(metric)
    )


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters; empty dates mean the campaign's own window."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    platform: str = ""


def campaign_window(
    campaign: Campaign, filters: Filters, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The days shown: the filter's, else the campaign's start through today (or its end)."""
    start = filters.start or campaign.start_date
    end = filters.end or max(min(campaign.end_date, today), start)
    return start, max(end, start)


def exposure_of(sums: dict[str, Decimal]) -> Decimal | None:
    """Exposure of one platform's (or account's) sums: impressions where the platform
    reports them, else reads plus plays. Across platforms, add each one's exposure
    (``exposure_across``): a platform's reads are not added to another's impressions,
    nor dropped because the other reports impressions."""
    if "exposure" in sums:
        return sums["exposure"]
    if sums.get("impressions"):
        return sums["impressions"]
    parts = [sums[m] for m in ("reads", "plays") if sums.get(m) is not None]
    return sum(parts, Decimal(0)) if parts else None


def value_of(
    metric: str, sums: dict[str, Decimal],
    by_account: dict[int, dict[str, Decimal]] | None = None,
) -> Decimal | None:
    """A catalogue metric, or a dashboard one, from summed parts.

    Dashboard metrics: ``exposure``, ``click_rate`` (clicks ÷ exposure, the
    funnel's first step, also where a platform reports reads and no
    impressions) and ``cost_per_conversion`` (spend ÷ conversions). A rate
    with alternative parts is taken from the per-account sums when given
    (``kpis.measure``), as the KPIs and the metrics API take it.
    """
    if metric == "exposure":
        return exposure_of(sums)
    if metric == "cost_per_conversion":
        spend, conversions = sums.get(SPEND), sums.get("conversions")
        return spend / conversions if spend is not None and conversions else None
    if metric == "click_rate":
        return _rate(sums.get("clicks"), exposure_of(sums))
    if metric in METRICS:
        if by_account is not None and is_derived(metric):
            return measure(metric, by_account)
        return combine(metric, sums)
    return sums.get(metric)


def exposure_across(groups: list[dict[str, Decimal]]) -> Decimal | None:
    """The exposure of several platforms' sums, each by its own definition."""
    values = [v for v in (exposure_of(g) for g in groups) if v is not None]
    return sum(values, Decimal(0)) if values else None


def _rate(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def funnel_of(sums: dict[str, Decimal]) -> list[dict]:
    """The funnel's steps with each step's rate from the step before it."""
    steps: list[dict] = []
    previous: Decimal | None = None
    for key, label in FUNNEL_STEPS:
        value = value_of(key, sums)
        steps.append({
            "step": key, "label": str(label), "value": value,
            "rate": _rate(value, previous) if steps else None,
        })
        previous = value
    return steps


@dataclass
class Group:
    """Sums of every metric for one platform or account."""

    key: str
    label: str
    sums: dict[str, Decimal] = field(default_factory=dict)
    # The same sums per account of the group (rates with alternative parts need them).
    by_account: dict[int, dict[str, Decimal]] = field(default_factory=dict)

    def value(self, metric: str) -> Decimal | None:
        return value_of(metric, self.sums, self.by_account)


@dataclass
class CampaignDashboard:
    campaign: Campaign
    filters: Filters
    start: datetime.date
    end: datetime.date
    statuses: list[KPIStatus]
    totals: dict[str, Decimal]
    daily: dict[str, dict[datetime.date, Decimal]]
    platforms: list[Group]
    accounts: list[Group]
    # The window's rollup rows per metric, for series of rates taken account by account.
    rows_by_metric: dict[str, list[RollupRow]] = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        return bool(self.totals)

    @property
    def funnel(self) -> list[dict]:
        return funnel_of(self.totals)

    @property
    def days(self) -> list[datetime.date]:
        count = (self.end - self.start).days + 1
        return [self.start + datetime.timedelta(days=i) for i in range(count)]

    def series(self, metric: str) -> list[tuple[datetime.date, Decimal | None]]:
        """The metric per day over the window (a rate from that day's parts); gaps are ``None``."""
        parts = _parts_of(metric)
        per_account = _per_account(metric)
        by_day: dict[datetime.date, dict[int, dict[str, Decimal]]] = {}
        value: Decimal | None
        if per_account:
            for part in parts:
                for account_id, _platform, _metric, day, value in self.rows_by_metric.get(
                    part, ()
                ):
                    sums = by_day.setdefault(day, {}).setdefault(account_id, {})
                    sums[part] = sums.get(part, Decimal(0)) + value
        out = []
        for day in self.days:
            sums = {p: self.daily[p][day] for p in parts if day in self.daily.get(p, {})}
            value = value_of(metric, sums, by_day.get(day, {}) if per_account else None)
            out.append((day, value if sums else None))
        return out

    def total(self, metric: str) -> Decimal | None:
        return value_of(metric, self.totals, self.by_account if _per_account(metric) else None)

    @property
    def by_account(self) -> dict[int, dict[str, Decimal]]:
        return {int(g.key): g.sums for g in self.accounts}


def _per_account(metric: str) -> bool:
    return metric in METRICS and is_derived(metric) and metric_recipe(metric).per_account


def _parts_of(metric: str) -> tuple[str, ...]:
    if metric == "exposure":
        return ("exposure",)
    if metric == "cost_per_conversion":
        return (SPEND, "conversions")
    if metric == "click_rate":
        return ("clicks", "exposure")
    return metric_parts(metric) if metric in METRICS else (metric,)


def campaign_dashboard(
    campaign: Campaign, filters: Filters | None = None, *, today: datetime.date | None = None,
    kpis: list[KPI] | None = None,
) -> CampaignDashboard:
    """Every panel of a campaign's dashboard in three queries: KPIs, rollup rows, accounts.

    ``campaign`` comes from a scoped selector; ``kpis``, when the caller has
    them (``kpis_of_campaign``), save the first query. The rollup rows are
    read once over the days the panels and the KPIs span: KPI progress is
    over each KPI's own window and platform whatever the filters, which
    narrow the trend, breakdowns and funnel.
    """
    today = today or timezone.localdate()
    filters = filters or Filters()
    start, end = campaign_window(campaign, filters, today)
    if kpis is None:
        kpis = kpis_of_campaign(campaign)
    read_start, read_end = start, end
    for kpi in kpis:
        kpi_start, kpi_end = kpi_window(kpi)
        read_start, read_end = min(read_start, kpi_start), max(read_end, kpi_end)
    rows: list[RollupRow] = list(
        DailyRollup.objects.filter(
            campaign_id=campaign.pk, date__gte=read_start, date__lte=read_end
        ).values_list("account_id", "platform_id", "metric", "date", "value").order_by()
    )
    labels = _account_labels({row[0] for row in rows})
    kpi_parts = {part for kpi in kpis for part in metric_parts(kpi.metric)}
    wanted = filters.platform
    # Per metric the rows KPIs read (their own days) and the panels' rows of
    # the rates taken account by account (the filters' days and platform).
    kpi_rows: dict[str, list[RollupRow]] = defaultdict(list)
    panel_rows: dict[str, list[RollupRow]] = defaultdict(list)
    daily: dict[str, dict[datetime.date, Decimal]] = defaultdict(dict)
    exposure_daily: dict[tuple[str, str], dict[datetime.date, Decimal]] = defaultdict(dict)
    account_sums: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        account_id, _platform_id, metric, day, value = row
        if metric in kpi_parts:
            kpi_rows[metric].append(row)
        label = labels.get(account_id)
        if day < start or day > end or label is None or (wanted and label[0] != wanted):
            continue
        code = label[0]
        if metric in PER_ACCOUNT_PARTS:
            panel_rows[metric].append(row)
        days = daily[metric]
        days[day] = days[day] + value if day in days else value
        if metric in EXPOSURE_SET:
            days = exposure_daily[(code, metric)]
            days[day] = days[day] + value if day in days else value
        sums = account_sums[account_id]
        sums[metric] = sums[metric] + value if metric in sums else value
    statuses = kpi_statuses_of_rows(kpis, kpi_rows, today=today)
    accounts: dict[int, Group] = {}
    platforms: dict[str, Group] = {}
    totals: dict[str, Decimal] = {}
    for account_id, sums in account_sums.items():
        code, platform_label, handle = labels[account_id]
        accounts[account_id] = Group(
            str(account_id), f"{platform_label} · {handle}", sums, {account_id: sums}
        )
        group = platforms.get(code)
        if group is None:
            group = platforms[code] = Group(code, platform_label)
        group.by_account[account_id] = sums
        for metric, value in sums.items():
            group.sums[metric] = group.sums.get(metric, Decimal(0)) + value
            totals[metric] = totals.get(metric, Decimal(0)) + value
    # Exposure by each platform's own definition, then added up (see exposure_of).
    exposure_days: dict[datetime.date, Decimal] = {}
    for code, group in platforms.items():
        used = ("impressions",) if group.sums.get("impressions") else ("reads", "plays")
        for metric in used:
            for day, value in exposure_daily.get((code, metric), {}).items():
                exposure_days[day] = exposure_days.get(day, Decimal(0)) + value
    if exposure_days:
        daily["exposure"] = exposure_days
    # Exposure joins the sums after the folding, so the accounts' dicts (shared
    # with their platform's ``by_account``) hold it too.
    for group in (*accounts.values(), *platforms.values()):
        exposure = exposure_of(group.sums)
        if exposure is not None:
            group.sums["exposure"] = exposure
    exposure = exposure_across([g.sums for g in platforms.values()])
    if exposure is not None:
        totals["exposure"] = exposure
    return CampaignDashboard(
        campaign=campaign, filters=filters, start=start, end=end, statuses=statuses,
        totals=totals, daily=dict(daily),
        platforms=sorted(platforms.values(), key=lambda g: g.label),
        accounts=sorted(accounts.values(), key=lambda g: g.label),
        rows_by_metric=dict(panel_rows),
    )


def _account_labels(account_ids: set[int]) -> dict[int, tuple[str, str, str]]:
    """``{account id: (platform code, platform name, handle)}``, names in the reader's language."""
    if not account_ids:
        return {}
    chinese = (get_language() or "").startswith("zh")
    return {
        pk: (code, (name_zh if chinese else name_en) or code, handle)
        for pk, code, name_zh, name_en, handle in PlatformAccount.objects.filter(
            pk__in=sorted(account_ids)
        ).values_list("pk", "platform__code", "platform__name_zh", "platform__name_en", "handle")
        .order_by()
    }


def campaign_dashboard_for(
    user: User, campaign_id: int, filters: Filters | None = None,
    *, today: datetime.date | None = None,
) -> CampaignDashboard:
    """The dashboard of a campaign the user may see; ``Campaign.DoesNotExist`` otherwise.

    The campaign comes without its team and owner: the dashboard's data needs
    neither (pages that show them fetch the campaign themselves).
    """
    return campaign_dashboard(dashboard_campaign_for(user, campaign_id), filters, today=today)


def dashboard_campaign_for(user: User, campaign_id: int) -> Campaign:
    """The campaign, if the user may see it, without its team and owner (a dashboard needs neither)."""
    return campaigns_visible_to(user).select_related(None).get(pk=campaign_id)


def top_content(
    campaign: Campaign, filters: Filters | None = None, *, limit: int = 10,
    today: datetime.date | None = None,
) -> list[dict]:
    """The campaign's content ranked by exposure over the window, with clicks and conversions."""
    today = today or timezone.localdate()
    filters = filters or Filters()
    start, end = campaign_window(campaign, filters, today)
    points = MetricPoint.objects.filter(
        campaign_id=campaign.pk, date__gte=start, date__lte=end, content_item__isnull=False,
        metric__in=(*EXPOSURE_METRICS, "clicks", "conversions", "orders"),
    )
    if filters.platform:
        points = points.filter(account__platform__code=filters.platform)
    # The store's rule for a day's value: a source's whole-day figure where it
    # gives one, else the sum of its hours; across sources the largest, since
    # two sources measuring one post's reads are two readings of one number.
    per_source: dict[tuple, list] = {}
    titles: dict[int, str] = {}
    for item_id, title, metric, source, day, hour, value in points.values_list(
        "content_item_id", "content_item__title", "metric", "source", "date", "hour", "value"
    ).order_by():
        titles[item_id] = title
        held = per_source.setdefault((item_id, metric, source, day), [None, Decimal(0)])
        if hour == -1:
            held[0] = (held[0] or Decimal(0)) + value
        else:
            held[1] += value
    day_values: dict[tuple, Decimal] = {}
    for (item_id, metric, _source, day), (whole_day, hours) in per_source.items():
        value = whole_day if whole_day is not None else hours
        key = (item_id, metric, day)
        day_values[key] = max(day_values.get(key, Decimal(0)), value)
    items: dict[int, dict] = {}
    for (item_id, metric, _day), value in day_values.items():
        entry = items.setdefault(item_id, {"id": item_id, "title": titles[item_id], "sums": {}})
        entry["sums"][metric] = entry["sums"].get(metric, Decimal(0)) + value
    ranked = []
    for entry in items.values():
        sums = entry.pop("sums")
        entry.update({
            "exposure": exposure_of(sums), "clicks": sums.get("clicks"),
            "conversions": sums.get("conversions"),
            "ctr": _rate(sums.get("clicks"), exposure_of(sums)),
            "conversion_rate": _rate(sums.get("conversions"), sums.get("clicks")),
        })
        ranked.append(entry)
    ranked.sort(key=lambda e: (-(e["exposure"] or 0), e["title"]))
    return ranked[:limit]


# --- the portfolio -----------------------------------------------------------------------


@dataclass
class PortfolioRow:
    campaign: Campaign
    statuses: list[KPIStatus]
    spend: Decimal | None
    last_data: datetime.date | None
    open_findings: int
    alerts: list[str]

    @property
    def pacing(self) -> str | None:
        return worst_pacing(self.statuses)

    @property
    def pacing_label(self) -> str:
        return str(PACING_LABELS[self.pacing]) if self.pacing else ""

    @property
    def pacing_colour(self) -> str:
        return PACING_COLOURS.get(self.pacing or "", "secondary")

    @property
    def progress(self) -> Decimal | None:
        """The KPIs' progress weighted by their weights, each capped at 100 %."""
        weighted = [
            (min(s.progress, Decimal(1)), s.kpi.weight if s.kpi else 1)
            for s in self.statuses if s.progress is not None
        ]
        total_weight = sum(w for _p, w in weighted)
        if not total_weight:
            return None
        return sum((p * w for p, w in weighted), Decimal(0)) / total_weight

    @property
    def spend_share(self) -> Decimal | None:
        budget = self.campaign.budget
        return self.spend / budget if self.spend is not None and budget else None


@dataclass
class Portfolio:
    page: Page
    rows: list[PortfolioRow]
    filters: Filters

    @property
    def at_risk(self) -> int:
        return sum(1 for row in self.rows if row.pacing == AT_RISK)


def portfolio(
    user: User, filters: Filters | None = None, *, status: str = "",
    page: int | str | None = 1, today: datetime.date | None = None,
) -> Portfolio:
    """The visible campaigns, a page at a time, each with KPI pacing, spend and alerts.

    A fixed number of queries per page: the campaigns, their KPIs, the KPI
    sums, the spend and last data day, the open findings.
    """
    today = today or timezone.localdate()
    filters = filters or Filters()
    campaigns = campaigns_visible_to(user)
    campaigns = campaigns.filter(status=status) if status else campaigns.filter(
        status__in=PORTFOLIO_STATUSES
    )
    if filters.start:
        campaigns = campaigns.filter(end_date__gte=filters.start)
    if filters.end:
        campaigns = campaigns.filter(start_date__lte=filters.end)
    if filters.platform:
        campaigns = campaigns.filter(Exists(DailyRollup.objects.filter(
            campaign_id=OuterRef("pk"), platform__code=filters.platform
        )))
    paginator = Paginator(campaigns.order_by("-start_date", "-id"), PORTFOLIO_PAGE_SIZE)
    page_obj = paginator.get_page(page)
    rows_campaigns = list(page_obj.object_list)
    ids = [c.pk for c in rows_campaigns]
    statuses_by_campaign: dict[int, list[KPIStatus]] = defaultdict(list)
    for status_ in kpi_statuses(kpis_of_campaigns(ids), today=today):
        statuses_by_campaign[status_.kpi.goal.campaign_id].append(status_)
    spend_rows = DailyRollup.objects.filter(campaign_id__in=ids)
    if filters.start:
        spend_rows = spend_rows.filter(date__gte=filters.start)
    if filters.end:
        spend_rows = spend_rows.filter(date__lte=filters.end)
    if filters.platform:
        spend_rows = spend_rows.filter(platform__code=filters.platform)
    spend = dict(spend_rows.filter(metric=SPEND).values_list("campaign_id").annotate(
        total=Sum("value")).order_by()) if ids else {}
    last_data = dict(spend_rows.values_list("campaign_id").annotate(
        last=Max("date")).order_by()) if ids else {}
    findings = dict(
        Finding.objects.filter(
            campaign_id__in=ids, period_end__gte=today - datetime.timedelta(days=7)
        ).values_list("campaign_id").annotate(n=Count("id")).order_by()
    ) if ids else {}
    rows = []
    for campaign in rows_campaigns:
        statuses = statuses_by_campaign.get(campaign.pk, [])
        row = PortfolioRow(
            campaign=campaign, statuses=statuses, spend=spend.get(campaign.pk),
            last_data=last_data.get(campaign.pk), open_findings=findings.get(campaign.pk, 0),
            alerts=[],
        )
        row.alerts = _alerts(row, today)
        rows.append(row)
    return Portfolio(page=page_obj, rows=rows, filters=filters)


def _alerts(row: PortfolioRow, today: datetime.date) -> list[str]:
    """What a manager should look at first, in the reader's language."""
    alerts = []
    at_risk = sum(1 for s in row.statuses if s.pacing == AT_RISK)
    behind = sum(1 for s in row.statuses if s.pacing == BEHIND)
    if at_risk:
        alerts.append(str(_("%(n)s KPI(s) at risk")) % {"n": at_risk})
    if behind:
        alerts.append(str(_("%(n)s KPI(s) behind")) % {"n": behind})
    campaign = row.campaign
    share = row.spend_share
    if share is not None:
        total = (campaign.end_date - campaign.start_date).days + 1
        elapsed = min(max((today - campaign.start_date).days + 1, 0), total)
        if share > 1:
            alerts.append(str(_("Over budget")))
        elif share > Decimal(elapsed) / total + OVERSPEND_MARGIN:
            alerts.append(str(_("Spending ahead of the calendar")))
    if campaign.status == CampaignStatus.RUNNING and (
        row.last_data is None or (today - row.last_data).days > STALE_AFTER_DAYS
    ):
        alerts.append(str(_("No recent data")))
    if row.open_findings:
        alerts.append(str(_("%(n)s diagnosis finding(s) this week")) % {"n": row.open_findings})
    return alerts


# --- budget reallocation (S2.4.3) ------------------------------------------------------------


@dataclass
class Reallocation:
    """A suggested split of the budget across platforms; shown with its reasoning, never applied."""

    base: Decimal
    rows: list[dict]
    extra_conversions: Decimal
    reasoning: list[str]


# Half-way between the current split and the split by results, so one period's
# numbers never move the whole budget.
REALLOCATION_STEP = Decimal("0.5")


def budget_reallocation(dashboard: CampaignDashboard) -> Reallocation | None:
    """Shift budget toward the platforms with the lower cost per conversion.

    The suggested share of a platform moves half-way from its share of the
    spend to its share of the conversions (which is what weighting the spend
    by each platform's conversions per yuan comes to). The budget it applies to
    is what is left of the campaign's budget, or the spend so far when nothing
    is left. ``None`` when fewer than two platforms have spent.
    """
    spent = [g for g in dashboard.platforms if g.sums.get(SPEND)]
    if len(spent) < 2:
        return None
    total_spend = sum((g.sums[SPEND] for g in spent), Decimal(0))
    total_conversions = sum((g.sums.get("conversions") or Decimal(0) for g in spent), Decimal(0))
    if not total_conversions:
        return None
    remaining = dashboard.campaign.budget - total_spend
    base = remaining if remaining > 0 else total_spend
    rows: list[dict] = []
    extra = Decimal(0)
    for group in spent:
        conversions = group.sums.get("conversions") or Decimal(0)
        share = group.sums[SPEND] / total_spend
        result_share = conversions / total_conversions
        suggested = share + (result_share - share) * REALLOCATION_STEP
        per_yuan = conversions / group.sums[SPEND]
        extra += (suggested - share) * base * per_yuan
        rows.append({
            "platform": group.key, "label": group.label, "spend": group.sums[SPEND],
            "conversions": conversions,
            "cost_per_conversion": group.sums[SPEND] / conversions if conversions else None,
            "share": share, "suggested_share": suggested,
            "change": ((suggested - share) * base).quantize(Decimal("0.01")),
        })
    rows.sort(key=lambda r: (r["cost_per_conversion"] is None, r["cost_per_conversion"] or 0))
    best, worst = rows[0], rows[-1]
    reasoning = [
        str(_("%(platform)s: ¥%(cpa)s per conversion, %(share)s%% of the spend.")) % {
            "platform": r["label"],
            "cpa": f"{r['cost_per_conversion']:,.2f}" if r["cost_per_conversion"] else "—",
            "share": f"{r['share'] * 100:.0f}",
        } for r in rows
    ]
    reasoning.append(str(_(
        "Moving half-way toward each platform's share of the conversions shifts "
        "¥%(amount)s of the ¥%(base)s toward %(best)s and away from %(worst)s."
    )) % {
        "amount": f"{sum(r['change'] for r in rows if r['change'] > 0):,.2f}",
        "base": f"{base:,.2f}", "best": best["label"], "worst": worst["label"],
    })
    reasoning.append(str(_(
        "At today's costs that buys about %(extra)s more conversions; costs rise "
        "as a platform gets more budget, so check again after a week."
    )) % {"extra": f"{extra:,.0f}"})
    return Reallocation(base=base, rows=rows, extra_conversions=extra, reasoning=reasoning)


def derived_metrics() -> tuple[str, ...]:
    """Catalogue metrics computed from two parts (for choices in filters and forms)."""
    return tuple(code for code in METRICS if is_derived(code))


# --- reviews, reports, findings, actions ---------------------------------------------------


def _scoped(queryset: QuerySet, user: User) -> QuerySet:
    return scope_to_user_teams(queryset, user, team_field="campaign__team")


def reports_visible_to(user: User) -> QuerySet[EvaluationReport]:
    """Weekly reports of the campaigns the user may see, newest first."""
    return _scoped(
        EvaluationReport.objects.select_related("campaign__team"), user
    ).order_by("-period_start", "campaign__name", "pk")


def report_get(user: User, pk: int) -> EvaluationReport:
    return reports_visible_to(user).get(pk=pk)


def reviews_visible_to(user: User) -> QuerySet[PhaseReview]:
    """Phase reviews of the campaigns the user may see, newest first."""
    return _scoped(
        PhaseReview.objects.select_related("campaign__team", "campaign__owner", "phase",
                                           "summary_by"), user
    ).order_by("-phase__end_date", "pk")


def review_get(user: User, pk: int) -> PhaseReview:
    return reviews_visible_to(user).get(pk=pk)


def findings_of(campaign: Campaign, *, limit: int = 50) -> list[Finding]:
    """A campaign's findings, newest period first, with the actions taken on them."""
    return list(
        Finding.objects.filter(campaign=campaign)
        .prefetch_related("actions")
        .order_by("-period_end", "kind", "platform_code")[:limit]
    )


def actions_of(campaign: Campaign) -> list[OptimisationAction]:
    """A campaign's optimisation actions, open first, with owner, KPI and finding loaded."""
    return list(
        OptimisationAction.objects.filter(campaign=campaign)
        .select_related("owner", "kpi", "finding", "task")
        .order_by(
            Case(When(status=ActionStatus.OPEN, then=0), default=1), "due_date", "pk"
        )
    )


def findings_visible_to(user: User) -> QuerySet[Finding]:
    """Findings of the campaigns the user may see, newest period first."""
    return _scoped(
        Finding.objects.select_related("campaign__team").prefetch_related("actions"), user
    ).order_by("-period_end", "campaign__name", "kind", "pk")


def actions_visible_to(
    user: User, *, owner: User | None = None
) -> QuerySet[OptimisationAction]:
    """Actions of the campaigns the user may see (or only ``owner``'s), open ones first."""
    qs = _scoped(
        OptimisationAction.objects.select_related("campaign__team", "owner", "kpi", "finding"),
        user,
    )
    if owner is not None:
        qs = qs.filter(owner_id=owner.pk)
    return qs.order_by(
        Case(When(status=ActionStatus.OPEN, then=0), default=1), "due_date", "pk"
    )


def action_get(user: User, pk: int) -> OptimisationAction:
    return _scoped(
        OptimisationAction.objects.select_related("campaign__team", "kpi__platform", "task"),
        user,
    ).get(pk=pk)


# What the dashboard API says of each KPI, in order (``api.evaluation.KPIStatusSerializer``).
KPI_API_FIELDS = (
    "id", "metric", "platform", "actual", "target", "progress", "expected", "forecast",
    "pacing", "window_start", "window_end", "elapsed_days", "total_days",
)


def _number(value: Decimal | float | None) -> float | None:
    return float(value) if value is not None else None


def campaign_dashboard_data(dashboard: CampaignDashboard) -> dict:
    """The dashboard as the API sends it: plain numbers (floats), ISO dates."""
    breakdown = (*BREAKDOWN_METRICS, "click_rate", "conversion_rate", "cost_per_conversion")
    metrics = sorted(dashboard.totals)
    return {
        "campaign": dashboard.campaign.pk,
        "from": dashboard.start.isoformat(), "to": dashboard.end.isoformat(),
        "kpis": [
            {key: data[key] for key in KPI_API_FIELDS}
            for data in (s.as_dict() for s in dashboard.statuses)
        ],
        "totals": {m: _number(v) for m, v in sorted(dashboard.totals.items())},
        "daily": {
            m: [{"date": d.isoformat(), "value": _number(v)}
                for d, v in sorted(dashboard.daily[m].items())]
            for m in metrics
        },
        "platforms": [
            {"key": g.key, "label": g.label, **{m: _number(g.value(m)) for m in breakdown}}
            for g in dashboard.platforms
        ],
        "accounts": [
            {"key": g.key, "label": g.label, **{m: _number(g.value(m)) for m in breakdown}}
            for g in dashboard.accounts
        ],
        "funnel": [
            {"step": s["step"], "value": _number(s["value"]), "rate": _number(s["rate"])}
            for s in dashboard.funnel
        ],
    }


def archived_dashboard(
    user: User, campaign_id: int, *, language: str, today: datetime.date
) -> str | None:
    """The campaign's archived dashboard JSON if the user may see it and it is current.

    Current: built for ``today`` in ``language`` from the campaign's present
    generation. None otherwise (not visible, never built, or out of date).
    One statement written out: on the request that sends an archive, building
    it with the ORM cost as much as everything else the request does.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    connection = connections[DashboardArchive.objects.db]
    name = connection.ops.quote_name
    params: list = [campaign_id, language, today]
    scope = ""
    if not user.is_superuser:
        # ``teams.selectors.team_ids_visible_to`` in the same statement: a member
        # of the campaign's team, or one whose role oversees every team.
        overseers = sorted(str(role) for role in ALL_TEAMS_ROLES)
        scope = (
            f" AND EXISTS (SELECT 1 FROM {name(Membership._meta.db_table)} m "  # noqa: S608
            "WHERE m.user_id = %s AND (m.team_id = c.team_id "
            f"OR m.role IN ({', '.join(['%s'] * len(overseers))})))"
        )
        params.extend([user.pk, *overseers])
    sql = (
        f"SELECT a.body FROM {name(DashboardArchive._meta.db_table)} a "  # noqa: S608 - names
        f"JOIN {name(Campaign._meta.db_table)} c ON c.id = a.campaign_id "
        f"LEFT JOIN {name(DashboardGeneration._meta.db_table)} g "
        "ON g.campaign_id = a.campaign_id "
        "WHERE a.campaign_id = %s AND a.language = %s AND a.built_for = %s "
        f"AND a.generation = COALESCE(g.value, 0){scope}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def dashboard_generation(campaign_id: int) -> int:
    """The campaign's current generation (0 before anything was counted)."""
    value = DashboardGeneration.objects.filter(campaign_id=campaign_id).values_list(
        "value", flat=True
    ).first()
    return value or 0
