"""Metric figures of campaigns, read from the daily rollups only (S2.3.3, S2.4.1).

Counts and money are sums of the rollups. Rates and averages — the
catalogue's ctr, conversion_rate, aov, bounce_rate and avg_session_seconds, and
the formula metrics teams define as data — are the ratio of their summed parts
over the whole period asked for, never an average of daily rates. A ratio whose
denominator sums to zero has no value (None, or left out of a series).

A catalogue rate with alternative parts (``MetricInfo.alternatives``: a shop's
conversion rate is paying buyers per visitor, its AOV revenue per buyer) is
summed account by account: an account adds the main pair's parts when it
measures the main denominator in the period, else those of the first
alternative it measures both parts of, else the main pair's again (a
numerator without a denominator); the rate is the ratio of those sums.

The caller scopes the campaign to the acting user: it comes from a selector
such as ``campaigns.planning.selectors.campaigns_visible_to``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils.translation import get_language

from campaigns.content.models import ContentVariant
from campaigns.planning.models import KPI, Campaign, CampaignStatus
from campaigns.planning.selectors import campaigns_visible_to
from campaigns.publishing.models import Publication
from platforms.metrics import METRICS, is_derived
from platforms.models import ConnectorKind, PlatformAccount
from teams.selectors import scope_to_user_teams, teams_where

from ..models import DailyRollup, FormulaMetric, ImportBatch, TrackingLink

# Campaigns whose accounts are pulled: running ones, and those being evaluated
# (late platform data for their last days still arrives).
PULLING_STATUSES = (CampaignStatus.RUNNING, CampaignStatus.EVALUATING)
GRANULARITIES = ("day", "week", "month")
BREAKDOWNS = ("platform", "account")
# Ratios keep more places than the stored four; pages and the API round for display.
RATIO_PLACES = Decimal("0.000001")


class UnknownMetricError(ValueError):
    """The code is neither a catalogue metric nor a formula metric the team may use."""


@dataclass(frozen=True)
class Recipe:
    """How a metric is read: a sum of stored metrics, or a ratio of two such sums.

    ``alternatives`` are further (numerator, denominator) pairs of the same
    rate; a recipe with some is summed per account (``per_account``).
    """

    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, str], ...] = ()

    @property
    def parts(self) -> set[str]:
        return {*self.numerator, *self.denominator, *(m for pair in self.alternatives for m in pair)}

    @property
    def per_account(self) -> bool:
        return bool(self.alternatives)

    def value(self, sums: dict[str, Decimal]) -> Decimal | None:
        present = [sums[m] for m in self.numerator if m in sums]
        if not self.denominator:
            return sum(present, Decimal(0)) if present else None
        top = sum(present, Decimal(0))
        bottom = sum((sums.get(m, Decimal(0)) for m in self.denominator), Decimal(0))
        if not bottom:
            return None
        return (top / bottom).quantize(RATIO_PLACES)

    def value_by_account(self, sums: Mapping[Any, dict[str, Decimal]]) -> Decimal | None:
        """The ratio over accounts (``{account: {metric: sum}}``), each adding the parts
        of the pair it measures (see the module docstring). The keys only tell the
        accounts apart: ids, or None where the rows were not grouped by account."""
        if not self.per_account:
            merged: dict[str, Decimal] = {}
            for account_sums in sums.values():
                for metric, value in account_sums.items():
                    merged[metric] = merged.get(metric, Decimal(0)) + value
            return self.value(merged)
        top = bottom = Decimal(0)
        for account_sums in sums.values():
            numerator, denominator = self._pair_for(account_sums)
            top += sum((account_sums.get(m, Decimal(0)) for m in numerator), Decimal(0))
            bottom += sum((account_sums.get(m, Decimal(0)) for m in denominator), Decimal(0))
        if not bottom:
            return None
        return (top / bottom).quantize(RATIO_PLACES)

    def _pair_for(self, sums: dict[str, Decimal]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if any(sums.get(m) for m in self.denominator):
            return self.numerator, self.denominator
        for numerator, denominator in self.alternatives:
            if sums.get(denominator) and numerator in sums:
                return (numerator,), (denominator,)
        return self.numerator, self.denominator


def metric_recipe(metric: str, *, team_id: int | None = None) -> Recipe:
    """The recipe of ``metric``: a catalogue metric, or the team's (else a shared) formula."""
    if metric in METRICS:
        info = METRICS[metric]
        if is_derived(metric):
            return Recipe(
                (str(info.numerator),), (str(info.denominator),),
                tuple((str(n), str(d)) for n, d in info.alternatives),
            )
        return Recipe((metric,))
    rows = list(
        FormulaMetric.objects.filter(code=metric)
        .filter(Q(team_id=team_id) | Q(team__isnull=True))
        .values_list("team_id", "numerator", "denominator")
    )
    # A team's own formula wins over the shared one of the same code.
    rows.sort(key=lambda row: row[0] is None)
    if not rows:
        raise UnknownMetricError(metric)
    _team, numerator, denominator = rows[0]
    return Recipe(_clean_parts(numerator), _clean_parts(denominator))


def _clean_parts(parts: object) -> tuple[str, ...]:
    """A formula's stored parts that are stored catalogue metrics (admin may mistype one)."""
    if not isinstance(parts, list):
        return ()
    return tuple(p for p in parts if isinstance(p, str) and p in METRICS and not is_derived(p))


def _rollups(
    campaign_ids: list[int], metrics: set[str], *, start: datetime.date | None,
    end: datetime.date | None, platform=None,
) -> QuerySet[DailyRollup]:
    qs = DailyRollup.objects.filter(campaign_id__in=campaign_ids, metric__in=sorted(metrics))
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    if platform is not None and platform != "":
        if isinstance(platform, str):
            qs = qs.filter(platform__code=platform)
        else:
            qs = qs.filter(platform_id=getattr(platform, "pk", platform))
    return qs


def campaign_metric_total(
    campaign, metric: str, *, start: datetime.date | None = None,
    end: datetime.date | None = None, platform=None,
) -> Decimal | None:
    """The campaign's value of ``metric`` over [start, end] (inclusive), or None without data.

    ``platform`` narrows to one platform (a Platform, its id or its code).
    """
    recipe = metric_recipe(metric, team_id=campaign.team_id)
    qs = _rollups([campaign.pk], recipe.parts, start=start, end=end, platform=platform)
    if recipe.per_account:
        by_account: dict[int, dict[str, Decimal]] = {}
        for row in qs.values("account_id", "metric").annotate(total=Sum("value")).order_by():
            by_account.setdefault(row["account_id"], {})[row["metric"]] = row["total"]
        return recipe.value_by_account(by_account)
    rows = qs.values("metric").annotate(total=Sum("value")).order_by()
    return recipe.value({row["metric"]: row["total"] for row in rows})


def _bucket(granularity: str):
    if granularity == "week":
        return TruncWeek("date")
    if granularity == "month":
        return TruncMonth("date")
    return None


def campaign_metric_series(
    campaign, metric: str, *, granularity: str = "day", start: datetime.date | None = None,
    end: datetime.date | None = None, platform=None,
) -> list[tuple[datetime.date, Decimal]]:
    """The campaign's ``metric`` per day, ISO week (Monday) or month (its 1st), oldest first.

    Periods without data, and ratio periods whose denominator is zero, are left out.
    """
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {GRANULARITIES}")
    recipe = metric_recipe(metric, team_id=campaign.team_id)
    qs = _rollups([campaign.pk], recipe.parts, start=start, end=end, platform=platform)
    bucket = _bucket(granularity)
    keys = ("account_id", "metric") if recipe.per_account else ("metric",)
    if bucket is not None:
        qs = qs.annotate(period=bucket).values("period", *keys)
    else:
        qs = qs.values("date", *keys)
    rows = qs.annotate(total=Sum("value")).order_by()
    periods: dict[datetime.date, dict[object, dict[str, Decimal]]] = {}
    for row in rows:
        period = row.get("period", row.get("date"))
        if isinstance(period, datetime.datetime):
            period = period.date()
        account = row.get("account_id")
        periods.setdefault(period, {}).setdefault(account, {})[row["metric"]] = row["total"]
    series = []
    for period in sorted(periods):
        value = recipe.value_by_account(periods[period])
        if value is not None:
            series.append((period, value))
    return series


def campaign_metric_breakdown(
    campaign, metric: str, *, by: str = "platform", start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> list[tuple[str, Decimal]]:
    """The campaign's ``metric`` per platform (keyed by platform code) or per account
    (keyed "<platform name> · <handle>", in the reader's language), largest first."""
    if by not in BREAKDOWNS:
        raise ValueError(f"by must be one of {BREAKDOWNS}")
    recipe = metric_recipe(metric, team_id=campaign.team_id)
    qs = _rollups([campaign.pk], recipe.parts, start=start, end=end)
    # group -> account -> metric -> sum; accounts matter to rates with alternative parts.
    groups: dict[str, dict[object, dict[str, Decimal]]] = {}
    if by == "platform":
        keys = ("platform__code", "account_id") if recipe.per_account else ("platform__code",)
        rows = qs.values(*keys, "metric").annotate(total=Sum("value")).order_by()
        for row in rows:
            groups.setdefault(row["platform__code"], {}).setdefault(
                row.get("account_id"), {}
            )[row["metric"]] = row["total"]
    else:
        chinese = (get_language() or "").startswith("zh")
        rows = (
            qs.values("account_id", "account__handle", "platform__name_zh", "platform__name_en",
                      "metric")
            .annotate(total=Sum("value")).order_by()
        )
        for row in rows:
            name = row["platform__name_zh"] if chinese else row["platform__name_en"]
            label = f"{name} · {row['account__handle']}"
            groups.setdefault(label, {}).setdefault(row["account_id"], {})[row["metric"]] = (
                row["total"]
            )
    result = []
    for key, sums in groups.items():
        value = recipe.value_by_account(sums)
        if value is not None:
            result.append((key, value))
    result.sort(key=lambda pair: (-pair[1], pair[0]))
    return result


def campaigns_metric_totals(
    campaign_ids: list[int], metrics: list[str], *, start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> dict[int, dict[str, Decimal]]:
    """``{campaign id: {metric: value}}`` for a portfolio in one query over the rollups.

    Every campaign id is a key; a metric without data (or a ratio without a
    denominator) is left out of its campaign's dict. Formula metrics cost one
    more query, for their definitions.
    """
    ids = [int(pk) for pk in campaign_ids]
    result: dict[int, dict[str, Decimal]] = {pk: {} for pk in ids}
    if not ids or not metrics:
        return result
    catalogue = {m: metric_recipe(m) for m in metrics if m in METRICS}
    formulas = [m for m in metrics if m not in METRICS]
    formula_rows: list[tuple[int | None, str, object, object]] = []
    if formulas:
        formula_rows = list(
            FormulaMetric.objects.filter(code__in=formulas)
            .values_list("team_id", "code", "numerator", "denominator")
        )
        known = {row[1] for row in formula_rows}
        unknown = [m for m in formulas if m not in known]
        if unknown:
            raise UnknownMetricError(", ".join(unknown))
    parts = set().union(*(r.parts for r in catalogue.values())) if catalogue else set()
    for _team, _code, numerator, denominator in formula_rows:
        parts |= {*_clean_parts(numerator), *_clean_parts(denominator)}
    # Per account only when a rate with alternative parts is asked for: fewer rows otherwise.
    keys = ["campaign_id", "campaign__team_id", "metric"]
    if any(recipe.per_account for recipe in catalogue.values()):
        keys.append("account_id")
    rows = _rollups(ids, parts, start=start, end=end).values(*keys).annotate(
        total=Sum("value")
    ).order_by()
    sums: dict[int, dict[str, Decimal]] = {pk: {} for pk in ids}
    by_account: dict[int, dict[int, dict[str, Decimal]]] = {pk: {} for pk in ids}
    teams: dict[int, int] = {}
    for row in rows:
        campaign_sums = sums[row["campaign_id"]]
        campaign_sums[row["metric"]] = campaign_sums.get(row["metric"], Decimal(0)) + row["total"]
        by_account[row["campaign_id"]].setdefault(row.get("account_id"), {})[row["metric"]] = (
            row["total"]
        )
        teams[row["campaign_id"]] = row["campaign__team_id"]
    for pk in ids:
        for metric, recipe in catalogue.items():
            value = recipe.value_by_account(by_account[pk]) if recipe.per_account else (
                recipe.value(sums[pk])
            )
            if value is not None:
                result[pk][metric] = value
        for metric in formulas:
            candidates = [r for r in formula_rows if r[1] == metric and r[0] in (None, teams.get(pk))]
            # A team's own formula wins over the shared one of the same code.
            candidates.sort(key=lambda r: r[0] is None)
            if not candidates:
                continue
            recipe = Recipe(_clean_parts(candidates[0][2]), _clean_parts(candidates[0][3]))
            value = recipe.value(sums[pk])
            if value is not None:
                result[pk][metric] = value
    return result


def account_ids_due_a_pull() -> list[int]:
    """Ids of the accounts a pull round reads: connected (sandbox, or credentials on
    file and no reconnection pending) and targeted by a running or evaluated campaign."""
    statuses = PULLING_STATUSES
    targeted = (
        Exists(ContentVariant.objects.filter(
            account_id=OuterRef("pk"), item__campaign__status__in=statuses
        ))
        | Exists(Publication.objects.filter(
            account_id=OuterRef("pk"), item__campaign__status__in=statuses
        ))
        | Exists(KPI.objects.filter(
            platform_id=OuterRef("platform_id"), goal__campaign__team_id=OuterRef("team_id"),
            goal__campaign__status__in=statuses,
        ))
    )
    connected = Q(connector=ConnectorKind.SANDBOX) | ~Q(credentials_ciphertext="")
    return list(
        PlatformAccount.objects.filter(connected, targeted, needs_reconnection=False)
        .order_by("pk").values_list("pk", flat=True)
    )


# -- the ways in, as their pages and endpoints list them ---------------------------------------


def import_batches_for_user(user) -> QuerySet[ImportBatch]:
    """Imports of the teams the user may see, newest first, with what lists show loaded."""
    return scope_to_user_teams(
        ImportBatch.objects.select_related("campaign", "created_by"), user
    ).order_by("-created_at", "-id")


def import_batch_get_for_user(user, pk: int) -> ImportBatch:
    """One visible import; ``ImportBatch.DoesNotExist`` otherwise (another team's too)."""
    return import_batches_for_user(user).select_related("campaign__team", "account").get(pk=pk)


def campaigns_open_to_import(user) -> QuerySet[Campaign]:
    """Visible campaigns of the teams where the user may import metrics (``metrics.import``)."""
    team_ids = [team.pk for team in teams_where(user, "metrics.import")]
    return campaigns_visible_to(user).filter(team_id__in=team_ids).order_by("-start_date", "-id")


def tracking_links_for_user(user) -> QuerySet[TrackingLink]:
    """Tracking links of the teams the user may see, newest first, with their owners loaded."""
    return scope_to_user_teams(
        TrackingLink.objects.select_related(
            "campaign", "account__platform", "content_item"
        ), user,
    ).order_by("-created_at", "-id")
