"""Problem diagnosis (S2.4.2): the weakest funnel stage, its likely cause, the numbers.

Rules over the last full week (the seven days before today):

- funnel stages, in order — the first one that is low is the finding, since a
  later stage is judged only when the one before it is normal:
  exposure per day low → channel or budget (``low_impressions``);
  click rate low with normal exposure → content attractiveness (``low_ctr``);
  conversion rate low with a normal click rate → landing page or channel fit
  (``low_conversion``);
- a platform whose conversion rate (its click rate when nothing converts) is
  far below the campaign's own average over the same week → platform choice
  (``weak_platform``, one finding per platform);
- the share of negative opinion signals rising against the week before →
  content or product issue (``negative_sentiment``).

A stage is low below ``LOW`` (70 %) of its reference: the campaign's own
history before the week; without one, the team's earlier campaigns on the
same platforms; without those, the plan (the KPI's daily pace or target
rate). Every finding keeps all three references and the numbers as evidence.
Running the diagnosis twice for the same week writes each finding once.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.planning.models import Campaign, CampaignStatus
from compliance.risk.models import OpinionSignal, SentimentLabel

from ..models import ActionStatus, DailyRollup, Finding, FindingKind, OptimisationAction
from ..selectors.dashboards import (
    EXPOSURE_METRICS,
    CampaignDashboard,
    Filters,
    campaign_dashboard,
    exposure_across,
    value_of,
)
from ..selectors.kpis import KPIStatus

DAY = datetime.timedelta(days=1)
PERIOD_DAYS = 7
LOW = Decimal("0.7")
WEAK_PLATFORM = Decimal("0.5")
# Negative sentiment "rising": at least this many signals this week, a
# negative share of at least 20 % and 1.5 times the week before's.
MIN_SIGNALS = 20
MIN_NEGATIVE_SHARE = Decimal("0.2")
SENTIMENT_RISE = Decimal("1.5")

STAGES = (
    ("exposure_per_day", FindingKind.LOW_IMPRESSIONS),
    ("click_rate", FindingKind.LOW_CTR),
    ("conversion_rate", FindingKind.LOW_CONVERSION),
)
# The KPI metrics that give each stage a planned value.
PLAN_METRICS = {
    "exposure_per_day": ("impressions", "reads", "plays"),
    "click_rate": ("ctr",),
    "conversion_rate": ("conversion_rate",),
}
CAUSES = {
    FindingKind.LOW_IMPRESSIONS: _("Channel or budget: too few people see the content."),
    FindingKind.LOW_CTR: _("Content attractiveness: people see it but do not click."),
    FindingKind.LOW_CONVERSION: _(
        "Landing page or channel fit: people click but do not convert."
    ),
    FindingKind.WEAK_PLATFORM: _("Platform choice: this platform converts far below the rest."),
    FindingKind.NEGATIVE_SENTIMENT: _("Content or product issue: negative opinion is rising."),
}
SUGGESTIONS = {
    FindingKind.LOW_IMPRESSIONS: _(
        "Raise the budget or boost on the platforms that reach most, and check the "
        "publishing times and frequency."
    ),
    FindingKind.LOW_CTR: _(
        "Test new titles, covers and opening seconds; put the offer or hook first."
    ),
    FindingKind.LOW_CONVERSION: _(
        "Check the landing page (speed, price, steps to order) and whether the "
        "channel's audience matches the product."
    ),
    FindingKind.WEAK_PLATFORM: _(
        "Move budget from this platform to the better converting ones, or change "
        "the content to suit its audience."
    ),
    FindingKind.NEGATIVE_SENTIMENT: _(
        "Read the negative comments, answer them, and fix the content or product "
        "issue they name before promoting further."
    ),
}


def _ratio(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return a / b if a is not None and b else None


def _float(value: Decimal | None) -> float | None:
    return round(float(value), 6) if value is not None else None


def _stage_values(dashboard: CampaignDashboard, days: int) -> dict[str, Decimal | None]:
    exposure = dashboard.total("exposure")
    return {
        "exposure_per_day": exposure / days if exposure is not None and days else None,
        "click_rate": dashboard.total("click_rate"),
        "conversion_rate": dashboard.total("conversion_rate"),
    }


def _team_history(
    campaign: Campaign, platform_ids: list[int]
) -> dict[str, Decimal | int | None]:
    """The stages over the team's earlier campaigns on the same platforms, pooled, and
    how many campaigns they came from (``campaigns``)."""
    earlier = Campaign.objects.filter(
        team_id=campaign.team_id, end_date__lt=campaign.start_date
    ).exclude(status=CampaignStatus.CANCELLED)
    rows = DailyRollup.objects.filter(
        campaign__in=earlier, metric__in=(*EXPOSURE_METRICS, "clicks", "conversions")
    )
    if platform_ids:
        rows = rows.filter(platform_id__in=platform_ids)
    sums: dict[str, Decimal] = {}
    by_platform: dict[int, dict[str, Decimal]] = {}
    campaign_days: dict[int, int] = {}
    for campaign_id, start, end, platform_id, metric, total in (
        rows.values_list("campaign_id", "campaign__start_date", "campaign__end_date",
                         "platform_id", "metric")
        .annotate(total=Sum("value")).order_by()
    ):
        sums[metric] = sums.get(metric, Decimal(0)) + total
        platform = by_platform.setdefault(platform_id, {})
        platform[metric] = platform.get(metric, Decimal(0)) + total
        campaign_days[campaign_id] = (end - start).days + 1
    days = sum(campaign_days.values())
    exposure = exposure_across(list(by_platform.values()))
    if exposure is not None:
        sums["exposure"] = exposure
    return {
        "exposure_per_day": exposure / days if exposure is not None and days else None,
        "click_rate": value_of("click_rate", sums),
        "conversion_rate": value_of("conversion_rate", sums),
        "campaigns": len(campaign_days),
    }


def _plan(statuses: list[KPIStatus]) -> dict[str, Decimal | None]:
    """What the KPIs plan for each stage: a daily pace for exposure, a target rate for rates."""
    plan: dict[str, Decimal | None] = {}
    for stage, metrics in PLAN_METRICS.items():
        for status in statuses:
            if status.metric in metrics and not status.platform:
                plan[stage] = (
                    status.target / status.total_days if stage == "exposure_per_day"
                    else status.target
                )
                break
        else:
            plan[stage] = None
    return plan


def _opinion_counts(
    team_id: int, platform_codes: list[str], start: datetime.date, end: datetime.date
) -> tuple[int, int]:
    """(negative, total) opinion signals of a team's platforms over the days given.

    Reads ``compliance.risk`` aggregates only; compliance has no selector for
    this yet, and this is the one place analytics reads its table.
    """
    signals = OpinionSignal.objects.filter(
        team_id=team_id, occurred_at__date__gte=start, occurred_at__date__lte=end
    )
    if platform_codes:
        signals = signals.filter(platform_code__in=platform_codes)
    counts = signals.aggregate(
        total=Count("id"), negative=Count("id", filter=Q(label=SentimentLabel.NEGATIVE))
    )
    return counts["negative"] or 0, counts["total"] or 0


def diagnosis_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The seven days before ``today``."""
    return today - PERIOD_DAYS * DAY, today - DAY


def _stage_findings(
    current: dict, own: dict, team: dict, plan: dict, numbers: dict
) -> list[tuple[str, str, dict]]:
    stages = {}
    for stage, _kind in STAGES:
        value = current[stage]
        reference, basis = None, None
        for name, source in (("own_history", own), ("team_history", team), ("plan", plan)):
            if source.get(stage):
                reference, basis = source[stage], name
                break
        stages[stage] = {
            "value": _float(value), "own_history": _float(own.get(stage)),
            "team_history": _float(team.get(stage)), "plan": _float(plan.get(stage)),
            "reference": basis, "ratio": _float(_ratio(value, reference)),
        }
    for stage, kind in STAGES:
        ratio = stages[stage]["ratio"]
        # Without data or a reference a stage is not judged, so not "low" either.
        if ratio is not None and Decimal(str(ratio)) < LOW:
            return [(kind, "", {
                "stage": stage, **stages[stage], "stages": stages, "numbers": numbers,
                "team_campaigns": team.get("campaigns", 0),
            })]
    return []


def _platform_findings(
    dashboard: CampaignDashboard, history: CampaignDashboard | None
) -> list[tuple[str, str, dict]]:
    groups = [g for g in dashboard.platforms if g.value("click_rate") is not None]
    if len(groups) < 2:
        return []
    metric = "conversion_rate" if dashboard.total("conversion_rate") else "click_rate"
    average = dashboard.total(metric)
    if not average:
        return []
    earlier = {g.key: g for g in history.platforms} if history else {}
    findings: list[tuple[str, str, dict]] = []
    for group in groups:
        value = group.value(metric) or Decimal(0)
        ratio = value / average
        if ratio < WEAK_PLATFORM:
            own = earlier.get(group.key)
            findings.append((FindingKind.WEAK_PLATFORM, group.key, {
                "metric": metric, "platform": group.key, "label": group.label,
                "value": _float(value), "campaign_average": _float(average),
                "ratio": _float(ratio),
                "own_history": _float(own.value(metric)) if own else None,
                "numbers": {
                    "clicks": _float(group.sums.get("clicks")),
                    "conversions": _float(group.sums.get("conversions")),
                    "exposure": _float(group.value("exposure")),
                },
            }))
    return findings


def _sentiment_findings(
    campaign: Campaign, platform_codes: list[str], start: datetime.date, end: datetime.date
) -> list[tuple[str, str, dict]]:
    negative, total = _opinion_counts(campaign.team_id, platform_codes, start, end)
    if total < MIN_SIGNALS:
        return []
    length = (end - start).days + 1
    before_negative, before_total = _opinion_counts(
        campaign.team_id, platform_codes, start - length * DAY, start - DAY
    )
    team_negative, team_total = _opinion_counts(
        campaign.team_id, [], start - 90 * DAY, start - DAY
    )
    share = Decimal(negative) / total
    before_share = Decimal(before_negative) / before_total if before_total else Decimal(0)
    team_share = Decimal(team_negative) / team_total if team_total else None
    if share < MIN_NEGATIVE_SHARE or share < before_share * SENTIMENT_RISE:
        return []
    return [(FindingKind.NEGATIVE_SENTIMENT, "", {
        "negative": negative, "total": total, "share": _float(share),
        "negative_before": before_negative, "total_before": before_total,
        "share_before": _float(before_share), "team_share_90_days": _float(team_share),
        "platforms": platform_codes,
    })]


def campaign_diagnose(*, campaign: Campaign, today: datetime.date | None = None) -> list[Finding]:
    """The findings of the last seven days; running again for the same days writes nothing new.

    Findings of that week that the data no longer supports (late data changed
    it) are removed unless an action was already taken on them.
    """
    today = today or timezone.localdate()
    start, end = diagnosis_period(today)
    start = max(start, campaign.start_date)
    if end < start:
        return []
    days = (end - start).days + 1
    dashboard = campaign_dashboard(campaign, Filters(start=start, end=end), today=today)
    if not dashboard.has_data:
        return []
    history = None
    if start > campaign.start_date:
        history = campaign_dashboard(
            campaign, Filters(start=campaign.start_date, end=start - DAY), today=today
        )
        if not history.has_data:
            history = None
    own = _stage_values(history, (start - campaign.start_date).days) if history else {}
    platform_ids = list(
        DailyRollup.objects.filter(campaign_id=campaign.pk, date__gte=start, date__lte=end)
        .values_list("platform_id", flat=True).distinct()
    )
    numbers = {
        key: _float(dashboard.total(key))
        for key in ("exposure", "clicks", "conversions", "orders", "spend")
    }
    numbers["days"] = days
    results = [
        *_stage_findings(
            _stage_values(dashboard, days), own, _team_history(campaign, platform_ids),
            _plan(dashboard.statuses), numbers,
        ),
        *_platform_findings(dashboard, history),
        *_sentiment_findings(campaign, [g.key for g in dashboard.platforms], start, end),
    ]
    findings = []
    with transaction.atomic():
        for kind, platform_code, evidence in results:
            finding, _created = Finding.objects.update_or_create(
                campaign=campaign, kind=kind, platform_code=platform_code, period_end=end,
                defaults={"period_start": start, "evidence": evidence},
            )
            findings.append(finding)
        Finding.objects.filter(campaign=campaign, period_end=end, actions__isnull=True).exclude(
            pk__in=[f.pk for f in findings]
        ).delete()
    return findings


def campaign_ids_to_diagnose(today: datetime.date) -> list[int]:
    """Campaigns of every team the daily job looks at (no acting user).

    Running campaigns that have had a day, and any campaign with an action
    still open or not yet measured after.
    """
    pending = OptimisationAction.objects.filter(
        Q(status=ActionStatus.OPEN)
        | Q(status=ActionStatus.DONE, value_after__isnull=True, kpi__isnull=False)
    ).values("campaign_id")
    return list(
        Campaign.objects.filter(
            Q(status=CampaignStatus.RUNNING, start_date__lt=today) | Q(pk__in=pending)
        ).order_by("pk").values_list("pk", flat=True)
    )
