"""The demo data reproduces the spec's example figures (S4.2) and one campaign behind pace."""

from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.models import FindingKind, MetricPoint, OptimisationAction
from analytics.selectors.dashboards import Filters, campaign_dashboard
from analytics.selectors.kpis import BEHIND, kpi_statuses, kpis_of_campaigns
from analytics.selectors.metrics import campaign_metric_total
from analytics.services import demo
from campaigns.planning import demo as planning_demo
from campaigns.planning.models import Campaign
from platforms import demo as platforms_demo
from teams.demo import DemoContext

pytestmark = pytest.mark.django_db


def _seed(context) -> None:
    # The floors this seeder builds on (accounts, campaigns), then analytics.
    platforms_demo.seed(context)
    planning_demo.seed(context)
    demo.seed(context)


@pytest.fixture
def context(team, other_team, users):
    return DemoContext(team=team, users=users, other_team=other_team)


@pytest.fixture
def seeded(context):
    _seed(context)
    return {c.name: c for c in Campaign.objects.all()}


def _total(campaign, metric):
    return campaign_metric_total(campaign, metric)


def test_wechat_reads_conversion_and_followers_of_s4_2_1(seeded):
    wechat = seeded[demo.EARLIER_WECHAT]

    assert _total(wechat, "reads") == Decimal("100000")
    assert _total(wechat, "conversion_rate") == Decimal("0.05")
    assert _total(wechat, "followers_gained") == Decimal("10000")


def test_douyin_plays_conversion_and_followers_of_s4_2_1(seeded):
    douyin = seeded[demo.EARLIER_DOUYIN]

    assert _total(douyin, "plays") == Decimal("500000")
    assert _total(douyin, "conversion_rate") == Decimal("0.03")
    assert _total(douyin, "followers_gained") == Decimal("20000")


def test_jd_flash_sale_against_the_week_before_of_s4_2_2(seeded):
    jd = seeded[demo.EARLIER_JD]
    report = jd.evaluation_reports.get()
    now, before = report.data["totals"], report.data["previous"]

    assert round(now["units_sold"] / before["units_sold"] - 1, 3) == 0.30
    assert round(now["aov"] / before["aov"] - 1, 3) == 0.15
    assert round(now["revenue"] / before["revenue"] - 1, 3) == 0.20
    # The sale week is the KPIs' window: each target met, not two weeks summed.
    progress = {s.metric: s.progress for s in kpi_statuses(kpis_of_campaigns([jd.pk]))}
    assert progress == {"units_sold": Decimal("1"), "aov": Decimal("1"),
                        "revenue": Decimal("1")}


def test_taobao_live_sold_over_ten_thousand_units_at_eight_percent_of_s4_2_2(seeded):
    taobao = seeded[demo.TAOBAO_LIVE]

    assert _total(taobao, "units_sold") == Decimal("11200")
    assert _total(taobao, "conversion_rate") == Decimal("0.085")


def test_the_running_wechat_campaign_is_behind_with_a_diagnosis_and_an_action(seeded):
    running = seeded[demo.RUNNING_WECHAT]
    reads = next(
        s for s in kpi_statuses(kpis_of_campaigns([running.pk])) if s.metric == "reads"
    )

    assert reads.pacing == BEHIND
    assert running.findings.filter(kind=FindingKind.LOW_CTR).exists()
    action = OptimisationAction.objects.get(campaign=running)
    assert action.finding.kind == FindingKind.LOW_CTR
    assert action.task.owner.username == "marketer"
    assert campaign_dashboard(running, Filters()).has_data
    assert running.phase_reviews.filter(phase__end_date__lt=timezone.localdate()).exists()


def test_seeding_twice_adds_no_points_findings_or_actions(seeded, context):
    counts = (MetricPoint.objects.count(), OptimisationAction.objects.count())

    _seed(context)

    assert (MetricPoint.objects.count(), OptimisationAction.objects.count()) == counts
