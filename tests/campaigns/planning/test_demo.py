"""Demo data of planning: registered, idempotent, and shaped like the spec's examples."""

import pytest

from campaigns.planning import demo
from campaigns.planning.models import KPI, Campaign, Goal, Milestone, Phase
from campaigns.planning.smart import smart_check
from teams.demo import DemoContext, demo_seeders

pytestmark = pytest.mark.django_db


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
        assert not smart_check(campaign).has_fail, campaign.name

