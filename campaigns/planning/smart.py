"""The SMART check of a campaign plan (S2.1.1, S2.1.2): one verdict per letter."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from platforms.metrics import Metric, format_metric_value

from .models import KPI, Campaign, Direction, Objective

# A target more than this many times its baseline (or the team's best earlier
# result) is flagged as possibly unachievable. Settings may override it.
DEFAULT_ACHIEVABLE_FACTOR = 3.0

# S2.1.2: KPIs must relate directly to the goal (awareness → exposure,
# follower growth; sales → revenue, orders; leads → registrations, leads).
RELEVANT_METRICS: dict[str, tuple[str, ...]] = {
    Objective.AWARENESS: (
        Metric.IMPRESSIONS, Metric.READS, Metric.PLAYS, Metric.FOLLOWERS_GAINED,
        Metric.CLICKS, Metric.CTR, Metric.INTERACTIONS, Metric.LIKES, Metric.COMMENTS,
        Metric.SHARES,
    ),
    Objective.ENGAGEMENT: (
        Metric.INTERACTIONS, Metric.LIKES, Metric.COMMENTS, Metric.SHARES,
        Metric.FOLLOWERS_GAINED, Metric.CLICKS, Metric.CTR, Metric.READS, Metric.PLAYS,
    ),
    Objective.SALES: (
        Metric.REVENUE, Metric.ORDERS, Metric.AOV, Metric.UNITS_SOLD, Metric.CONVERSIONS,
        Metric.CONVERSION_RATE,
    ),
    Objective.LEADS: (
        Metric.REGISTRATIONS, Metric.LEADS, Metric.CONVERSIONS, Metric.CONVERSION_RATE,
        Metric.CLICKS, Metric.CTR,
    ),
}


class Verdict:
    PASS = "pass"  # noqa: S105 (a verdict, not a password)
    WARN = "warn"
    FAIL = "fail"


_RANK = {Verdict.PASS: 0, Verdict.WARN: 1, Verdict.FAIL: 2}


@dataclass
class LetterResult:
    letter: str
    name: str
    verdict: str = Verdict.PASS
    reasons: list[str] = field(default_factory=list)

    def add(self, verdict: str, reason: str) -> None:
        if _RANK[verdict] > _RANK[self.verdict]:
            self.verdict = verdict
        self.reasons.append(reason)

    def as_dict(self) -> dict:
        return {
            "letter": self.letter, "name": self.name, "verdict": self.verdict,
            "reasons": self.reasons,
        }


@dataclass
class Scorecard:
    letters: list[LetterResult]

    @property
    def has_fail(self) -> bool:
        return any(item.verdict == Verdict.FAIL for item in self.letters)

    @property
    def verdict(self) -> str:
        return max((item.verdict for item in self.letters), key=_RANK.__getitem__)

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "approvable": not self.has_fail,
            "letters": [item.as_dict() for item in self.letters],
        }


def achievable_factor() -> float:
    return float(getattr(settings, "SMART_ACHIEVABLE_FACTOR", DEFAULT_ACHIEVABLE_FACTOR))


def relevant_metrics(objective: str) -> tuple[str, ...]:
    return RELEVANT_METRICS.get(objective, ())


def _kpi_label(kpi: KPI) -> str:
    label = str(kpi.get_metric_display())
    if kpi.platform_id:
        label = f"{label} ({kpi.platform})"
    return label


def _best_earlier_results(campaign: Campaign, metrics: set[str]) -> dict[str, Decimal]:
    """metric -> best result the team's other campaigns achieved (one query)."""
    if not metrics:
        return {}
    from django.db.models import Max

    rows = (
        KPI.objects.filter(
            goal__campaign__team_id=campaign.team_id,
            metric__in=metrics,
            achieved__isnull=False,
            direction=Direction.INCREASE,
        )
        .exclude(goal__campaign_id=campaign.pk)
        .values("metric")
        .annotate(best=Max("achieved"))
    )
    return {row["metric"]: row["best"] for row in rows}


def smart_check(campaign: Campaign) -> Scorecard:
    """Score the plan letter by letter; reasons are in the active language.

    Reads goals with their KPIs in two queries plus one for earlier results.
    """
    goals = list(campaign.goals.prefetch_related("kpis__platform"))
    kpis = [kpi for goal in goals for kpi in goal.kpis.all()]
    factor = achievable_factor()

    specific = LetterResult("S", _("Specific"))
    if not goals:
        specific.add(Verdict.FAIL, _("Add at least one goal with a statement and an objective."))
    for goal in goals:
        if not goal.statement.strip():
            specific.add(Verdict.FAIL, _("A goal has no statement."))
        if not goal.objective:
            specific.add(Verdict.FAIL, _("A goal has no objective."))
        if not goal.kpis.all():
            specific.add(
                Verdict.FAIL,
                _("Goal “%(goal)s” has no KPI to measure it.") % {"goal": goal.statement[:60]},
            )
    if specific.verdict == Verdict.PASS:
        specific.reasons.append(_("Every goal has a statement, an objective and KPIs."))

    measurable = LetterResult("M", _("Measurable"))
    if not kpis:
        measurable.add(Verdict.FAIL, _("No KPI yet: add a metric with a numeric target."))
    for kpi in kpis:
        if kpi.target is None:
            measurable.add(Verdict.FAIL, _("%(kpi)s has no target.") % {"kpi": _kpi_label(kpi)})
        if kpi.baseline is None and not kpi.no_baseline_reason.strip():
            measurable.add(
                Verdict.FAIL,
                _("%(kpi)s has no baseline; enter one or say why there is none.")
                % {"kpi": _kpi_label(kpi)},
            )
    if kpis and measurable.verdict == Verdict.PASS:
        measurable.reasons.append(_("Every KPI has a numeric target and a baseline."))

    achievable = LetterResult("A", _("Achievable"))
    best = _best_earlier_results(campaign, {k.metric for k in kpis})
    for kpi in kpis:
        if kpi.target is None:
            continue
        target = float(kpi.target)
        if kpi.baseline is not None and kpi.baseline > 0:
            baseline = float(kpi.baseline)
            too_far = (
                target > baseline * factor
                if kpi.direction == Direction.INCREASE
                else target < baseline / factor
            )
            if too_far:
                achievable.add(
                    Verdict.WARN,
                    _("%(kpi)s: the target %(target)s is more than %(factor)s× away from "
                      "the baseline %(baseline)s.")
                    % {
                        "kpi": _kpi_label(kpi),
                        "target": format_metric_value(kpi.metric, kpi.target),
                        "baseline": format_metric_value(kpi.metric, kpi.baseline),
                        "factor": f"{factor:g}",
                    },
                )
        earlier = best.get(kpi.metric)
        if (
            kpi.direction == Direction.INCREASE
            and earlier is not None
            and earlier > 0
            and target > float(earlier) * factor
        ):
            achievable.add(
                Verdict.WARN,
                _("%(kpi)s: the target %(target)s is more than %(factor)s× the team's best "
                  "earlier result %(best)s.")
                % {
                    "kpi": _kpi_label(kpi),
                    "target": format_metric_value(kpi.metric, kpi.target),
                    "best": format_metric_value(kpi.metric, earlier),
                    "factor": f"{factor:g}",
                },
            )
    if not kpis:
        achievable.add(Verdict.WARN, _("No KPI to judge yet."))
    elif achievable.verdict == Verdict.PASS:
        achievable.reasons.append(
            _("Every target lies within %(factor)s× of its baseline and earlier results.")
            % {"factor": f"{factor:g}"}
        )

    relevant = LetterResult("R", _("Relevant"))
    for goal in goals:
        fitting = relevant_metrics(goal.objective)
        for kpi in goal.kpis.all():
            if kpi.metric not in fitting:
                relevant.add(
                    Verdict.FAIL,
                    _("%(kpi)s does not measure “%(objective)s”; fitting metrics: %(metrics)s.")
                    % {
                        "kpi": _kpi_label(kpi),
                        "objective": goal.get_objective_display(),
                        "metrics": ", ".join(str(Metric(m).label) for m in fitting),
                    },
                )
    if not kpis:
        relevant.add(Verdict.FAIL, _("No KPI yet, so nothing shows the goal is measured."))
    elif relevant.verdict == Verdict.PASS:
        relevant.reasons.append(_("Every KPI fits its goal's objective."))

    time_bound = LetterResult("T", _("Time-bound"))
    for kpi in kpis:
        if kpi.deadline is None:
            time_bound.add(Verdict.FAIL, _("%(kpi)s has no deadline.") % {"kpi": _kpi_label(kpi)})
        elif not campaign.start_date <= kpi.deadline <= campaign.end_date:
            time_bound.add(
                Verdict.FAIL,
                _("%(kpi)s: the deadline %(deadline)s lies outside the campaign "
                  "(%(start)s – %(end)s).")
                % {
                    "kpi": _kpi_label(kpi), "deadline": kpi.deadline.isoformat(),
                    "start": campaign.start_date.isoformat(),
                    "end": campaign.end_date.isoformat(),
                },
            )
    if not kpis:
        time_bound.add(Verdict.FAIL, _("No KPI deadline yet."))
    elif time_bound.verdict == Verdict.PASS:
        time_bound.reasons.append(
            _("Every KPI is due within the campaign (%(start)s – %(end)s).")
            % {"start": campaign.start_date.isoformat(), "end": campaign.end_date.isoformat()}
        )

    return Scorecard([specific, measurable, achievable, relevant, time_bound])
