"""Lifecycle services: submission, approval tasks per occasion, moves by people and by the job."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from campaigns.planning import services
from campaigns.planning.models import Campaign, CampaignStatus
from teams.models import Task, TaskStatus
from teams.services import task_create
from tests.campaigns.planning.factories import CampaignFactory, PhaseFactory, spec_example

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _tasks(source):
    return Task.objects.filter(
        source_type=ContentType.objects.get_for_model(type(source)), source_id=str(source.pk)
    )


def test_job_cannot_unpause(team, users):
    campaign = CampaignFactory(team=team, owner=users["manager"], status=CampaignStatus.PAUSED)
    with pytest.raises(PermissionDenied):
        services.campaign_transition(
            actor=None, campaign=campaign, to=CampaignStatus.RUNNING,
            expected_from=CampaignStatus.PAUSED,
        )
    with pytest.raises(PermissionDenied):
        services.campaign_transition(actor=None, campaign=campaign, to=CampaignStatus.RUNNING)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED


def test_job_leaves_a_campaign_paused_meanwhile(team, users):
    """The job read "in production", a manager paused it, then the job moves on."""
    campaign = CampaignFactory(team=team, owner=users["manager"], status=CampaignStatus.IN_PRODUCTION)
    services.campaign_transition(actor=users["manager"], campaign=campaign,
                                 to=CampaignStatus.PAUSED)
    result = services.campaign_transition(
        actor=None, campaign=campaign, to=CampaignStatus.RUNNING,
        expected_from=CampaignStatus.IN_PRODUCTION,
    )
    assert result.status == CampaignStatus.PAUSED
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED
    assert services.campaign_follow_dates(campaign=campaign, today=campaign.end_date) == []


def test_renamed_draft_still_closes_the_approval_tasks(team, users):
    campaign = spec_example(team, users["marketer"])
    services.campaign_submit(actor=users["marketer"], campaign=campaign)
    assert _tasks(campaign).filter(status=TaskStatus.OPEN).count() >= 1
    services.campaign_update(actor=users["marketer"], campaign=campaign, name="Renamed")
    services.campaign_transition(actor=users["manager"], campaign=campaign,
                                 to=CampaignStatus.PLANNED)
    assert not _tasks(campaign).filter(status=TaskStatus.OPEN).exists()
    assert _tasks(campaign).filter(status=TaskStatus.DONE).exists()


def test_task_titles_built_from_long_names_fit(team, users):
    campaign = spec_example(team, users["marketer"])
    Campaign.objects.filter(pk=campaign.pk).update(name="n" * 200)
    campaign.refresh_from_db()
    phase = PhaseFactory(campaign=campaign)
    services.milestone_create(
        actor=users["marketer"], phase=phase, title="t" * 200, due_date=phase.start_date,
        owner=users["marketer"],
    )
    services.campaign_submit(actor=users["marketer"], campaign=campaign)
    titles = list(Task.objects.values_list("title", flat=True))
    assert len(titles) >= 2
    assert all(len(title) <= 200 for title in titles)



def test_each_approver_gets_one_task_keyed_by_the_submission(team, users):
    campaign = spec_example(team, users["marketer"])

    services.campaign_submit(actor=users["marketer"], campaign=campaign)

    campaign.refresh_from_db()
    stamp = campaign.submitted_at.isoformat()
    assert sorted(_tasks(campaign).values_list("owner__username", "dedup_key")) == [
        ("admin", f"campaign-approval:{campaign.pk}:{users['admin'].pk}:{stamp}"),
        ("manager", f"campaign-approval:{campaign.pk}:{users['manager'].pk}:{stamp}"),
    ]


def test_a_retried_submission_task_is_the_same_task(team, users):
    campaign = spec_example(team, users["marketer"])
    services.campaign_submit(actor=users["marketer"], campaign=campaign)
    campaign.refresh_from_db()
    first = _tasks(campaign).get(owner=users["manager"])

    again = task_create(
        team=team, owner=users["manager"], title="Approve", source=campaign,
        dedup_key=services.approval_task_key(campaign, users["manager"].pk),
    )

    assert again.pk == first.pk
    assert _tasks(campaign).count() == 2


def test_submitting_again_after_a_return_to_draft_gives_new_tasks(team, users):
    campaign = spec_example(team, users["marketer"])
    services.campaign_submit(actor=users["marketer"], campaign=campaign)
    services.campaign_transition(actor=users["manager"], campaign=campaign, to="planned")
    services.campaign_transition(actor=users["manager"], campaign=campaign, to="draft")

    services.campaign_submit(actor=users["marketer"], campaign=campaign)

    mine = _tasks(campaign).filter(owner=users["manager"]).order_by("pk")
    assert [task.status for task in mine] == [TaskStatus.DONE, TaskStatus.OPEN]
    assert len({task.dedup_key for task in mine}) == 2
