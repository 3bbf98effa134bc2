"""The Gantt chart's figure (S2.1.3 timeline)."""

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

