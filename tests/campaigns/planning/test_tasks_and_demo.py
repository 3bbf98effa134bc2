"""Beat task, schedule entry, admin registration and demo data."""

import datetime

import pytest
from django.contrib import admin
from django.utils import timezone

from campaigns.planning import demo, services
from campaigns.planning.models import KPI, Campaign, CampaignStatus, Goal, Milestone, Phase
from campaigns.planning.schedules import BEAT_SCHEDULE
from campaigns.planning.tasks import campaigns_follow_dates_task
from teams.demo import DemoContext, demo_seeders
from tests.campaigns.planning.factories import spec_example

pytestmark = pytest.mark.django_db


def test_beat_task_moves_planned_campaigns_once(team, users):
    today = timezone.localdate()
    campaign = spec_example(team, users["marketer"])
    Campaign.objects.filter(pk=campaign.pk).update(
        start_date=today - datetime.timedelta(days=3), end_date=today + datetime.timedelta(days=30)
    )
    campaign.refresh_from_db()
    for kpi in KPI.objects.filter(goal__campaign=campaign):
        kpi.deadline = campaign.end_date
        kpi.save()
    services.campaign_transition(actor=users["manager"], campaign=campaign, to="planned")
    assert campaigns_follow_dates_task.delay().get() == 1
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING
    assert campaigns_follow_dates_task.delay().get() == 0


def test_schedule_points_at_the_task():
    entry = BEAT_SCHEDULE["campaigns-follow-dates"]
    assert entry["task"] == "campaigns.planning.tasks.campaigns_follow_dates_task"
    assert entry["options"]["queue"] == "default"


@pytest.mark.parametrize("model", [Campaign, Goal, KPI, Phase, Milestone])
def test_admin_registered_with_lists(model):
    model_admin = admin.site._registry[model]
    assert model_admin.list_display
    assert model_admin.search_fields
    assert model_admin.list_filter


def test_demo_seeder_registered():
    assert "campaigns" in [name for name, _ in demo_seeders()]


def test_demo_seed_is_idempotent_and_matches_spec(team, other_team, users):
    ctx = DemoContext(team=team, users=users, other_team=other_team)
    demo.seed(ctx)
    counts = (Campaign.objects.count(), Goal.objects.count(), KPI.objects.count(),
              Phase.objects.count(), Milestone.objects.count())
    demo.seed(DemoContext(team=team, users=users, other_team=other_team))
    assert counts == (Campaign.objects.count(), Goal.objects.count(), KPI.objects.count(),
                      Phase.objects.count(), Milestone.objects.count())
    assert Campaign.objects.filter(team=team, owner=users["marketer"]).count() == 4
    assert Campaign.objects.filter(team=other_team).count() == 1
    wechat = KPI.objects.filter(goal__campaign__name__contains="微信")
    assert {k.metric: float(k.target) for k in wechat} == {
        "reads": 100000, "followers_gained": 10000, "conversion_rate": 0.05,
    }
    douyin = KPI.objects.filter(goal__campaign__name__contains="抖音")
    assert {k.metric: float(k.target) for k in douyin} == {
        "plays": 500000, "followers_gained": 20000, "conversion_rate": 0.03,
    }
    jd = {k.metric: k for k in KPI.objects.filter(goal__campaign__name__contains="京东")}
    assert float(jd["units_sold"].target_change_percent) == 30
    assert float(jd["aov"].target_change_percent) == 15
    assert float(jd["revenue"].target_change_percent) == 20
    assert all(k.baseline is not None for k in jd.values())
    taobao = KPI.objects.filter(goal__campaign__name__contains="淘宝")
    assert {k.metric: float(k.target) for k in taobao} == {
        "units_sold": 10000, "conversion_rate": 0.08,
    }
    for campaign in Campaign.objects.filter(team=team):
        assert campaign.phases.exists()
        assert not services.smart_check(campaign).has_fail, campaign.name
