"""Timeline services: milestones and their owners' tasks, one per (milestone, owner)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from campaigns.planning import services
from teams.models import Task, TaskStatus
from teams.services import task_create
from tests.campaigns.planning.factories import CampaignFactory, PhaseFactory

pytestmark = pytest.mark.django_db


def _tasks(source):
    return Task.objects.filter(
        source_type=ContentType.objects.get_for_model(type(source)), source_id=str(source.pk)
    )


def _milestone(team, users, **values):
    phase = PhaseFactory(campaign=CampaignFactory(team=team, owner=users["marketer"]))
    return services.milestone_create(
        actor=users["marketer"], phase=phase, title="Script ready", due_date=phase.start_date,
        **values,
    )


def test_milestone_task_follows_done_reassign_and_delete(team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"])
    phase = PhaseFactory(campaign=campaign)
    milestone = services.milestone_create(
        actor=users["marketer"], phase=phase, title="Script ready", due_date=phase.start_date,
        owner=users["marketer"],
    )
    task = _tasks(milestone).get()
    assert task.owner == users["marketer"]
    assert task.status == TaskStatus.OPEN
    assert task.source.get_absolute_url() == f"/campaigns/milestones/{milestone.pk}/"
    services.milestone_update(actor=users["marketer"], milestone=milestone,
                              owner=users["manager"], title="Script approved")
    open_tasks = _tasks(milestone).filter(status=TaskStatus.OPEN)
    assert [(t.owner, t.title) for t in open_tasks] == [
        (users["manager"], f"Script approved · {campaign.name}")
    ]
    services.milestone_set_done(actor=users["marketer"], milestone=milestone, done=True)
    assert not _tasks(milestone).filter(status=TaskStatus.OPEN).exists()
    assert _tasks(milestone).filter(status=TaskStatus.DONE, owner=users["manager"]).exists()
    services.milestone_set_done(actor=users["marketer"], milestone=milestone, done=False)
    assert _tasks(milestone).filter(status=TaskStatus.OPEN).count() == 1
    services.milestone_delete(actor=users["marketer"], milestone=milestone)
    assert not Task.objects.filter(status=TaskStatus.OPEN).exists()



def test_milestone_task_key_names_the_milestone_and_its_owner(team, users):
    milestone = _milestone(team, users, owner=users["marketer"])

    task = _tasks(milestone).get()

    assert task.dedup_key == f"milestone-owner:{milestone.pk}:{users['marketer'].pk}"


def test_owner_assigned_again_after_a_cancel_gets_the_same_task_reopened(team, users):
    milestone = _milestone(team, users, owner=users["marketer"])
    first = _tasks(milestone).get()
    services.milestone_update(actor=users["marketer"], milestone=milestone,
                              owner=users["manager"])
    assert Task.objects.get(pk=first.pk).status == TaskStatus.CANCELLED

    later = milestone.due_date + datetime.timedelta(days=1)
    services.milestone_update(actor=users["marketer"], milestone=milestone,
                              owner=users["marketer"], title="Script final", due_date=later)

    reopened = Task.objects.get(pk=first.pk)
    assert (reopened.status, reopened.completed_at) == (TaskStatus.OPEN, None)
    assert reopened.title.startswith("Script final · ")
    assert reopened.due_date == later
    assert list(_tasks(milestone).filter(status=TaskStatus.OPEN)) == [reopened]
    assert _tasks(milestone).count() == 2  # the marketer's and the manager's, no third


def test_owner_removed_and_set_again_reopens_their_task(team, users):
    milestone = _milestone(team, users, owner=users["analyst"])
    services.milestone_update(actor=users["marketer"], milestone=milestone, owner=None)
    assert _tasks(milestone).get().status == TaskStatus.CANCELLED

    services.milestone_update(actor=users["marketer"], milestone=milestone,
                              owner=users["analyst"])

    assert _tasks(milestone).get().status == TaskStatus.OPEN


def test_a_task_from_before_keys_is_replaced_not_doubled(team, users):
    milestone = _milestone(team, users)
    old = task_create(team=team, owner=users["marketer"], title="Script ready",
                      source=milestone)

    services.milestone_update(actor=users["marketer"], milestone=milestone,
                              owner=users["marketer"])

    assert Task.objects.get(pk=old.pk).status == TaskStatus.CANCELLED
    assert _tasks(milestone).filter(status=TaskStatus.OPEN).get().dedup_key == (
        f"milestone-owner:{milestone.pk}:{users['marketer'].pk}"
    )
