"""Regressions found walking the campaign pages as a person would, in both languages."""

import pytest

from campaigns.planning.gantt import gantt_figure
from campaigns.planning.models import Campaign
from tests.campaigns.planning.factories import START, CampaignFactory

pytestmark = pytest.mark.django_db


def test_gantt_axis_uses_numeric_dates(team):
    """Plotly's month names are English; a zh-Hans page must not show "Dec 6"."""
    campaign = Campaign.objects.prefetch_related("phases__milestones").get(
        pk=CampaignFactory(team=team).pk
    )
    axis = gantt_figure(campaign, today=START)["layout"]["xaxis"]
    assert axis["tickformat"] == "%Y-%m-%d"
    assert axis["hoverformat"] == "%Y-%m-%d"
    assert axis["type"] == "date"


def test_campaign_filter_says_when_dates_are_reversed(client_as, team, users, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    CampaignFactory(team=team)
    response = client_as(users["marketer"]).get(
        "/campaigns/", {"date_from": "2031-01-01", "date_to": "2020-01-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"] == ["“进行于（止）”不能早于“进行于（起）”。"]
    assert "“进行于（止）”不能早于“进行于（起）”。" in response.content.decode()
