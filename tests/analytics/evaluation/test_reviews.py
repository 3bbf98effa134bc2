"""Scheduled reviews: a phase review per phase end, a weekly report per week, each written once."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from analytics.models import EvaluationReport, PhaseReview
from analytics.services import kpis as kpi_services
from analytics.services import reviews
from analytics.tasks.evaluation import phase_reviews_task, weekly_evaluations_task
from campaigns.planning.models import CampaignStatus, PhaseKind
from teams.models import Task, TaskStatus
from tests.campaigns.planning.factories import PhaseFactory

from .conftest import DAY, START, put

pytestmark = pytest.mark.django_db


@pytest.fixture
def phases(campaign):
    production = PhaseFactory(campaign=campaign, kind=PhaseKind.PRODUCTION, start_date=START,
                              end_date=START + 9 * DAY)
    promotion = PhaseFactory(campaign=campaign, kind=PhaseKind.PROMOTION,
                             start_date=START + 10 * DAY, end_date=START + 19 * DAY, order=1)
    return production, promotion


def test_a_phase_review_snapshots_kpis_at_the_phase_end_with_the_gap(
    campaign, reads_kpi, wechat, phases
):
    production, _promotion = phases
    for offset in range(12):  # two days after the phase end must not count
        put(campaign, wechat, START + offset * DAY, reads=800)

    review = reviews.phase_review_write(phase=production, today=START + 12 * DAY)

    [row] = review.kpi_snapshot
    assert row["kpi"] == reads_kpi.pk
    assert row["actual"] == 8000.0
    assert row["target"] == 30000.0
    assert row["expected"] == 10000.0  # 10 of 30 days
    assert row["gap"] == 22000.0
    assert row["gap_to_expected"] == 2000.0
    assert row["pacing"] == "behind"  # forecast 24,000 = 80 %


def test_writing_a_phase_review_twice_writes_one_review_and_one_task(
    campaign, reads_kpi, phases, users
):
    production, _promotion = phases

    first = reviews.phase_review_write(phase=production, today=START + 11 * DAY)
    second = reviews.phase_review_write(phase=production, today=START + 12 * DAY)

    assert first.pk == second.pk
    assert PhaseReview.objects.count() == 1
    task = Task.objects.get()
    assert task.owner == users["marketer"]
    assert task.dedup_key == f"phase-review-summary:{first.pk}:{users['marketer'].pk}"
    assert task.due_date == START + 14 * DAY
    assert task.source == first


def test_a_phase_that_has_not_ended_gets_no_review(phases):
    production, _promotion = phases

    with pytest.raises(ValidationError):
        reviews.phase_review_write(phase=production, today=production.end_date)


def test_the_next_review_says_what_changed_since_the_last(campaign, reads_kpi, wechat, phases):
    production, promotion = phases
    for offset in range(10):
        put(campaign, wechat, START + offset * DAY, reads=800)
    reviews.phase_review_write(phase=production, today=START + 10 * DAY)
    for offset in range(10, 20):
        put(campaign, wechat, START + offset * DAY, reads=1500)
    reads_kpi.target = Decimal("32000")
    reads_kpi.save()

    review = reviews.phase_review_write(phase=promotion, today=START + 20 * DAY)

    [changes] = review.changes
    assert changes["since"] == (START + 10 * DAY).isoformat()
    [kpi] = changes["kpis"]
    assert kpi["actual_before"] == 8000.0
    assert kpi["actual_now"] == 23000.0
    assert kpi["delta"] == 15000.0
    assert kpi["pacing_before"] == "behind"
    assert kpi["pacing_now"] == "on_track"  # 34,500 forecast ÷ 32,000 = 108 %
    assert (kpi["target_before"], kpi["target_now"]) == (30000.0, 32000.0)


def test_the_summary_closes_the_owners_task(campaign, reads_kpi, phases, users):
    production, _promotion = phases
    review = reviews.phase_review_write(phase=production, today=START + 11 * DAY)

    reviews.phase_review_summarise(
        actor=users["marketer"], review=review, summary="Production ran late; promote longer."
    )

    review.refresh_from_db()
    assert review.summary == "Production ran late; promote longer."
    assert review.summary_by == users["marketer"]
    assert Task.objects.get().status == TaskStatus.DONE


def test_an_empty_summary_is_refused_and_a_reviewer_may_not_write_one(
    campaign, phases, users
):
    review = reviews.phase_review_write(phase=phases[0], today=START + 11 * DAY)

    with pytest.raises(ValidationError) as error:
        reviews.phase_review_summarise(actor=users["marketer"], review=review, summary="  ")
    assert error.value.message_dict == {
        "summary": ["Write what the phase showed and what changes."]
    }
    with pytest.raises(PermissionDenied):
        reviews.phase_review_summarise(actor=users["reviewer"], review=review, summary="ok")


def test_the_beat_task_reviews_each_ended_phase_once(
    campaign, reads_kpi, phases, monkeypatch
):
    today = START + 21 * DAY
    monkeypatch.setattr("analytics.tasks.evaluation.timezone.localdate", lambda: today)

    assert phase_reviews_task() == 2
    assert phase_reviews_task() == 0
    assert PhaseReview.objects.count() == 2
    assert Task.objects.count() == 2


def test_draft_and_cancelled_campaigns_get_no_phase_reviews(campaign, phases):
    campaign.status = CampaignStatus.CANCELLED
    campaign.save()

    assert reviews.phase_ids_due_for_review(START + 21 * DAY) == []


def test_reviews_record_each_kpis_achieved_value_from_the_store(
    campaign, reads_kpi, conversion_kpi, wechat
):
    put(campaign, wechat, START, reads=1234, clicks=1000, conversions=42)

    kpi_services.kpis_record_achieved(campaign=campaign, today=START + DAY)

    reads_kpi.refresh_from_db()
    conversion_kpi.refresh_from_db()
    assert reads_kpi.achieved == Decimal("1234")
    assert conversion_kpi.achieved == Decimal("0.042")


# --- weekly reports ------------------------------------------------------------------------


def test_the_report_week_is_the_last_full_monday_to_sunday():
    # 2030-03-11 is a Monday; 2030-03-13 a Wednesday.
    assert reviews.report_week(datetime.date(2030, 3, 11)) == (
        datetime.date(2030, 3, 4), datetime.date(2030, 3, 10))
    assert reviews.report_week(datetime.date(2030, 3, 13)) == (
        datetime.date(2030, 3, 4), datetime.date(2030, 3, 10))


def test_a_weekly_report_holds_trend_distributions_and_gaps(
    campaign, reads_kpi, wechat, douyin
):
    # Week 2030-03-04 … 03-10, and the week before for comparison.
    for offset in range(3, 10):
        put(campaign, wechat, START + offset * DAY, reads=1000, clicks=100, conversions=5,
            followers_gained=20)
        put(campaign, douyin, START + offset * DAY, plays=2000, clicks=50, conversions=1)
    put(campaign, wechat, START + DAY, reads=500, clicks=50, conversions=5)

    report = reviews.evaluation_report_write(campaign=campaign, today=datetime.date(2030, 3, 11))

    data = report.data
    assert (report.period_start, report.period_end) == (
        datetime.date(2030, 3, 4), datetime.date(2030, 3, 10))
    assert data["totals"]["exposure"] == 21000.0  # 7 × (1,000 reads + 2,000 plays)
    assert data["totals"]["clicks"] == 1050.0
    assert data["totals"]["conversion_rate"] == 42 / 1050
    assert data["previous"]["clicks"] == 50.0
    assert len(data["trend"]["days"]) == 7
    assert data["trend"]["series"]["clicks"] == [150.0] * 7
    assert {row["key"]: row["conversions"] for row in data["platforms"]} == {
        "douyin": 7.0, "wechat_oa": 35.0}
    assert [row["followers_gained"] for row in data["audience"]["accounts"]] == [None, 140.0]
    [gap] = data["gaps"]
    assert gap["actual"] == 7500.0  # reads from the campaign start to the week's end


def test_writing_the_weekly_report_twice_writes_one(campaign, wechat):
    put(campaign, wechat, START + 4 * DAY, reads=10)
    today = datetime.date(2030, 3, 11)

    first = reviews.evaluation_report_write(campaign=campaign, today=today)
    second = reviews.evaluation_report_write(campaign=campaign, today=today)

    assert first.pk == second.pk
    assert EvaluationReport.objects.count() == 1


def test_the_weekly_job_reports_on_running_campaigns_only(
    campaign, other_campaign, monkeypatch
):
    other_campaign.status = CampaignStatus.CLOSED
    other_campaign.save()
    monkeypatch.setattr(
        "analytics.tasks.evaluation.timezone.localdate", lambda: datetime.date(2030, 3, 11)
    )

    assert weekly_evaluations_task() == 1
    assert weekly_evaluations_task() == 1
    assert list(EvaluationReport.objects.values_list("campaign_id", flat=True)) == [campaign.pk]
