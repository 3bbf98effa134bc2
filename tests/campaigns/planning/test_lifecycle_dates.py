"""The lifecycle respects the calendar: no approval or submission once a campaign has
ended, no start before its start date (the date job starts it that day)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns.planning import services
from campaigns.planning.models import Campaign, CampaignStatus
from campaigns.planning.transitions import date_refusal
from tests.campaigns.planning.factories import spec_example

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
D = datetime.timedelta


def _ended(team, users) -> Campaign:
    campaign = spec_example(team, users["marketer"])
    Campaign.objects.filter(pk=campaign.pk).update(
        start_date=TODAY - D(days=60), end_date=TODAY - D(days=1))
    campaign.refresh_from_db()
    return campaign


def _planned_starting_later(team, users) -> Campaign:
    campaign = spec_example(team, users["marketer"])
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.PLANNED, start_date=TODAY + D(days=5), end_date=TODAY + D(days=40))
    campaign.refresh_from_db()
    return campaign


def test_an_ended_campaign_cannot_be_submitted(team, users):
    campaign = _ended(team, users)

    with pytest.raises(ValidationError) as exc:
        services.campaign_submit(actor=users["marketer"], campaign=campaign)

    assert exc.value.message_dict == {"to": [
        f"The campaign ended on {(TODAY - D(days=1)).isoformat()}; "
        "move its dates before it goes ahead."
    ]}
    campaign.refresh_from_db()
    assert campaign.submitted_at is None


def test_an_ended_campaign_cannot_be_approved(team, users):
    campaign = _ended(team, users)

    with pytest.raises(ValidationError) as exc:
        services.campaign_transition(actor=users["manager"], campaign=campaign, to="planned")

    assert list(exc.value.message_dict) == ["to"]
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAFT


def test_the_api_refuses_to_approve_an_ended_campaign(team, users, api_as):
    campaign = _ended(team, users)

    response = api_as(users["manager"]).post(
        f"/api/v1/campaigns/{campaign.pk}/transition/", {"to": "planned"}, format="json",
        HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {"to": [
        f"The campaign ended on {(TODAY - D(days=1)).isoformat()}; "
        "move its dates before it goes ahead."
    ]}


@pytest.mark.parametrize("target", [CampaignStatus.RUNNING, CampaignStatus.IN_PRODUCTION])
def test_nobody_starts_a_campaign_before_its_start_date(team, users, target):
    campaign = _planned_starting_later(team, users)

    with pytest.raises(ValidationError) as exc:
        services.campaign_transition(actor=users["manager"], campaign=campaign, to=target)

    assert exc.value.message_dict == {"to": [
        f"The campaign starts on {(TODAY + D(days=5)).isoformat()}; "
        "it moves on by itself that day."
    ]}
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.PLANNED


def test_the_date_job_starts_it_on_its_start_date(team, users):
    campaign = _planned_starting_later(team, users)

    assert services.campaign_follow_dates(campaign=campaign, today=TODAY) == []
    assert services.campaign_follow_dates(campaign=campaign, today=TODAY + D(days=5)) == [
        "running"
    ]


def test_a_manager_may_start_it_from_its_start_date_on(team, users):
    campaign = _planned_starting_later(team, users)
    Campaign.objects.filter(pk=campaign.pk).update(start_date=TODAY)

    moved = services.campaign_transition(actor=users["manager"], campaign=campaign,
                                         to=CampaignStatus.RUNNING)

    assert moved.status == CampaignStatus.RUNNING


@pytest.mark.parametrize(("source", "target", "start", "end", "refused"), [
    ("draft", "planned", 1, 30, False),
    ("draft", "planned", -30, -1, True),
    ("draft", "planned", -30, 0, False),  # ends today: still ahead
    ("planned", "running", 1, 30, True),
    ("planned", "running", 0, 30, False),
    ("planned", "in_production", 1, 30, True),
    ("paused", "running", -5, 30, False),
    ("planned", "cancelled", -30, -1, False),
])
def test_the_declared_date_conditions(source, target, start, end, refused):
    reason = date_refusal(start_date=TODAY + D(days=start), end_date=TODAY + D(days=end),
                          source=source, target=target, today=TODAY)

    assert bool(reason) is refused
