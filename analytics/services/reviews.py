"""Scheduled reviews (S2.1.3, S2.4.1): a phase review at each phase end, a weekly report.

Both are written by jobs and are idempotent per period: a phase has at most
one review (one-to-one) and a campaign one report per week (unique on its
start), so a job that runs twice, or two that race, write one.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.planning.models import Campaign, CampaignStatus, Phase
from teams.models import Task, TaskStatus
from teams.selectors import user_can
from teams.services import audit_record, task_create

from ..models import ActionStatus, EvaluationReport, Finding, OptimisationAction, PhaseReview
from ..selectors.dashboards import (
    BREAKDOWN_METRICS,
    Filters,
    campaign_dashboard,
)
from ..selectors.kpis import KPIStatus, kpi_statuses, kpis_of_campaigns

DAY = datetime.timedelta(days=1)
# Days the phase owner has to write the summary.
SUMMARY_DUE_DAYS = 3
SUMMARY_MAX_LENGTH = 5000
# Phases that ended longer ago than this get no review when the job first runs.
REVIEW_LOOKBACK_DAYS = 30
# Metrics the weekly report charts day by day.
TREND_METRICS = ("exposure", "clicks", "conversions", "orders", "revenue")
# Interactions that show where the audience engages (the report's audience table).
AUDIENCE_METRICS = ("followers_gained", "likes", "comments", "shares", "interactions")
# What the report compares with the week before.
REPORT_METRICS = (*BREAKDOWN_METRICS, "units_sold", "followers_gained")
# Rates every distribution row carries, from its own summed parts.
RATE_METRICS = ("click_rate", "conversion_rate", "aov", "cost_per_conversion")
NO_REVIEW_STATUSES = (CampaignStatus.DRAFT, CampaignStatus.CANCELLED)


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _snapshot(statuses: list[KPIStatus]) -> list[dict]:
    """KPIs against target with their gaps, JSON-safe."""
    rows = []
    for status in statuses:
        row = status.as_dict()
        row["kpi"] = row.pop("id")
        actual = status.actual or Decimal(0)
        row["gap"] = _number(status.target - actual)
        row["gap_to_expected"] = (
            _number(status.expected - actual) if status.expected is not None else None
        )
        rows.append(row)
    return rows


def _changes(previous: list[dict] | None, current: list[dict]) -> list[dict]:
    """Per KPI: the value, progress, pacing and target then and now (plan changes show too)."""
    before = {row["kpi"]: row for row in previous or []}
    changes = []
    for row in current:
        old = before.pop(row["kpi"], None)
        delta = None
        if old is not None and row["actual"] is not None:
            delta = row["actual"] - (old["actual"] or 0)
        changes.append({
            "kpi": row["kpi"], "metric": row["metric"],
            "actual_before": old["actual"] if old else None, "actual_now": row["actual"],
            "delta": delta,
            "progress_before": old["progress"] if old else None,
            "progress_now": row["progress"],
            "pacing_before": old["pacing"] if old else None, "pacing_now": row["pacing"],
            "target_before": old["target"] if old else None, "target_now": row["target"],
            "new": old is None and previous is not None,
        })
    for kpi_id, old in before.items():
        changes.append({
            "kpi": kpi_id, "metric": old["metric"], "removed": True,
            "actual_before": old["actual"], "target_before": old["target"],
        })
    return changes


def summary_task_key(review: PhaseReview, owner_id: int) -> str:
    return f"phase-review-summary:{review.pk}:{owner_id}"


def _summary_task_title(review: PhaseReview) -> str:
    # One title in the site language, as other job-made tasks have.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Write the phase summary of “%(phase)s” · %(campaign)s") % {
            "phase": review.phase.label, "campaign": review.campaign.name,
        }
    return Truncator(title).chars(cast(int, Task._meta.get_field("title").max_length))


def phase_review_write(*, phase: Phase, today: datetime.date | None = None) -> PhaseReview:
    """The review of a phase that has ended: KPIs as of its last day, the gap, the changes.

    Written once per phase; calling again returns the existing review. Opens a
    task (one per review and owner) for the campaign owner to write the summary.
    """
    today = today or timezone.localdate()
    existing = PhaseReview.objects.filter(phase=phase).select_related("campaign", "phase").first()
    if existing is not None:
        return existing
    if phase.end_date >= today:
        raise ValidationError({"phase": _("The phase has not ended yet.")})
    campaign = phase.campaign
    statuses = kpi_statuses(
        kpis_of_campaigns([campaign.pk]), today=phase.end_date + DAY, through=phase.end_date
    )
    snapshot = _snapshot(statuses)
    previous = (
        PhaseReview.objects.filter(campaign=campaign, phase__end_date__lt=phase.end_date)
        .select_related("phase").order_by("-phase__end_date", "-id").first()
    )
    since = previous.phase.end_date + DAY if previous else campaign.start_date
    changes = {
        "since": since.isoformat(),
        "previous_review": previous.pk if previous else None,
        "kpis": _changes(previous.kpi_snapshot if previous else None, snapshot),
        "findings": Finding.objects.filter(
            campaign=campaign, period_end__gte=since, period_end__lte=phase.end_date
        ).count(),
        "actions_done": OptimisationAction.objects.filter(
            campaign=campaign, status=ActionStatus.DONE,
            done_at__date__gte=since, done_at__date__lte=phase.end_date,
        ).count(),
    }
    try:
        with transaction.atomic():
            review = PhaseReview.objects.create(
                campaign=campaign, phase=phase, kpi_snapshot=snapshot, changes=[changes],
            )
            audit_record(
                actor=None, action="phase_review.create", target=campaign, team=campaign.team,
                summary=gettext_noop("Phase review written: %(phase)s"),
                data={"phase": phase.name, "phase_kind": phase.kind},
            )
            task_create(
                team=campaign.team, owner=campaign.owner, title=_summary_task_title(review),
                due_date=today + SUMMARY_DUE_DAYS * DAY, source=review,
                description=reverse("analytics:phase_review", args=[review.pk]),
                dedup_key=summary_task_key(review, campaign.owner_id),
            )
    except IntegrityError:
        # A concurrent run wrote the review first: theirs is the one.
        return PhaseReview.objects.select_related("campaign", "phase").get(phase=phase)
    return review


def phase_review_summarise(
    *, actor: User, review: PhaseReview, summary: str
) -> PhaseReview:
    """The owner's (or an analyst's) phase summary: what it means and how the plan changes.

    Closes the summary task of the review.
    """
    campaign = review.campaign
    if not (
        actor.pk == campaign.owner_id
        or user_can(actor, campaign.team_id, "campaign.edit")
        or user_can(actor, campaign.team_id, "evaluation.edit")
    ):
        raise PermissionDenied(_("You may not write this review's summary."))
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Write what the phase showed and what changes.")})
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise ValidationError({"summary": _(
            "Keep the summary under %(max)s characters."
        ) % {"max": SUMMARY_MAX_LENGTH}})
    with transaction.atomic():
        review.summary, review.summary_by = summary, actor
        review.save(update_fields=["summary", "summary_by"])
        Task.objects.filter(
            dedup_key__startswith=f"phase-review-summary:{review.pk}:", status=TaskStatus.OPEN
        ).update(status=TaskStatus.DONE, completed_at=timezone.now())
        audit_record(
            actor=actor, action="phase_review.summary", target=campaign, team=campaign.team,
            summary=gettext_noop("Phase summary written: %(phase)s"),
            data={"phase": review.phase.name, "phase_kind": review.phase.kind},
        )
    return review


def phase_ids_due_for_review(today: datetime.date) -> list[int]:
    """Phases of every team that ended before today, recently, and have no review yet.

    For the job (no acting user).
    """
    return list(
        Phase.objects.filter(
            end_date__lt=today,
            end_date__gte=today - REVIEW_LOOKBACK_DAYS * DAY,
            review__isnull=True,
        ).exclude(campaign__status__in=NO_REVIEW_STATUSES)
        .order_by("end_date", "pk").values_list("pk", flat=True)
    )


# --- the weekly evaluation report ---------------------------------------------------------


def report_week(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last full Monday–Sunday week before ``today``."""
    end = today - (today.weekday() + 1) * DAY
    return end - 6 * DAY, end


def campaign_ids_for_weekly_report(today: datetime.date) -> list[int]:
    """Running campaigns of every team whose dates overlap last week (for the job)."""
    start, end = report_week(today)
    return list(
        Campaign.objects.filter(
            status=CampaignStatus.RUNNING, start_date__lte=end, end_date__gte=start
        ).order_by("pk").values_list("pk", flat=True)
    )


def _groups(groups: list, metrics: tuple[str, ...]) -> list[dict]:
    rows = []
    for group in groups:
        row = {"key": group.key, "label": group.label}
        row.update({m: _number(group.value(m)) for m in (*metrics, *RATE_METRICS)})
        rows.append(row)
    return rows


def report_data(
    campaign: Campaign, start: datetime.date, end: datetime.date
) -> dict:
    """The figures of a report over ``start``–``end``: trend, distributions, funnel, gaps.

    Compared with the same number of days before, so the report says what changed.
    """
    dashboard = campaign_dashboard(campaign, Filters(start=start, end=end), today=end + DAY)
    length = (end - start).days + 1
    before = campaign_dashboard(
        campaign, Filters(start=start - length * DAY, end=start - DAY), today=end + DAY
    )
    statuses = kpi_statuses(kpis_of_campaigns([campaign.pk]), today=end + DAY, through=end)
    trend = {
        "days": [d.isoformat() for d in dashboard.days],
        "series": {m: [_number(v) for _d, v in dashboard.series(m)] for m in TREND_METRICS},
    }
    totals = {m: _number(dashboard.total(m)) for m in (*REPORT_METRICS, *RATE_METRICS)}
    previous = {m: _number(before.total(m)) for m in (*REPORT_METRICS, *RATE_METRICS)}
    audience_accounts = []
    for group in dashboard.accounts:
        row: dict[str, str | float | None] = {"key": group.key, "label": group.label}
        row.update({m: _number(group.sums.get(m)) for m in AUDIENCE_METRICS})
        row["conversions"] = _number(group.sums.get("conversions"))
        audience_accounts.append(row)
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "totals": totals,
        "previous": previous,
        "trend": trend,
        "platforms": _groups(dashboard.platforms, BREAKDOWN_METRICS),
        "accounts": _groups(dashboard.accounts, BREAKDOWN_METRICS),
        "audience": {
            "target": {
                "age_bands": list(campaign.target_age_bands or []),
                "gender": campaign.target_gender,
                "interests": list(campaign.target_interests or []),
            },
            "accounts": audience_accounts,
        },
        "funnel": [
            {**step, "label": step["step"], "value": _number(step["value"]),
             "rate": _number(step["rate"])}
            for step in dashboard.funnel
        ],
        "gaps": _snapshot(statuses),
    }


def evaluation_report_write(
    *, campaign: Campaign, today: datetime.date | None = None
) -> EvaluationReport:
    """Last week's evaluation report of a campaign; one per campaign and week.

    Running it again for the same week returns the report already written.
    """
    today = today or timezone.localdate()
    start, end = report_week(today)
    existing = EvaluationReport.objects.filter(campaign=campaign, period_start=start).first()
    if existing is not None:
        return existing
    data = report_data(campaign, start, end)
    try:
        with transaction.atomic():
            report = EvaluationReport.objects.create(
                campaign=campaign, period_start=start, period_end=end, data=data
            )
            audit_record(
                actor=None, action="evaluation_report.create", target=campaign,
                team=campaign.team,
                summary=gettext_noop("Weekly evaluation report written for %(start)s – %(end)s"),
                data={"start": start.isoformat(), "end": end.isoformat()},
            )
    except IntegrityError:
        return EvaluationReport.objects.get(campaign=campaign, period_start=start)
    return report
