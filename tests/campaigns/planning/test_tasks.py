"""Celery tasks of planning: the beat fans out, one idempotent task per campaign."""

import datetime
import logging
from types import SimpleNamespace

import pytest
from django.utils import timezone

from campaigns.planning import selectors, services, tasks
from campaigns.planning.models import KPI, Campaign, CampaignStatus, PhaseKind
from campaigns.planning.schedules import BEAT_SCHEDULE
from campaigns.planning.services import lifecycle
from campaigns.planning.tasks import campaign_follow_dates_task, campaigns_follow_dates_task
from campaigns.planning.transitions import next_step_by_dates
from teams.models import AuditEvent
from tests.campaigns.planning.factories import CampaignFactory, PhaseFactory, spec_example

pytestmark = pytest.mark.django_db
D = datetime.timedelta


@pytest.fixture
def sent(monkeypatch):
    """The campaign ids the beat task hands out, instead of running their tasks."""
    ids: list[int] = []
    monkeypatch.setattr(tasks, "campaign_follow_dates_task", SimpleNamespace(
        name="campaign_follow_dates_task",
        apply_async=lambda args, kwargs: ids.append(args[0]),
    ))
    return ids


def _dated(team, owner, status, *, starts_in_days: int, days: int = 30) -> Campaign:
    start = timezone.localdate() + D(days=starts_in_days)
    return CampaignFactory(
        team=team, owner=owner, status=status, start_date=start, end_date=start + D(days=days)
    )


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


def test_beat_task_enqueues_one_task_per_campaign_whose_dates_may_call_for_a_move(
    team, users, sent
):
    manager = users["manager"]
    planned = _dated(team, manager, CampaignStatus.PLANNED, starts_in_days=-1)
    producing = _dated(team, manager, CampaignStatus.IN_PRODUCTION, starts_in_days=-5)
    ended = _dated(team, manager, CampaignStatus.RUNNING, starts_in_days=-40)
    _dated(team, manager, CampaignStatus.PLANNED, starts_in_days=10)  # not yet
    _dated(team, manager, CampaignStatus.RUNNING, starts_in_days=-5)  # mid-run
    _dated(team, manager, CampaignStatus.DRAFT, starts_in_days=-5)
    _dated(team, manager, CampaignStatus.PAUSED, starts_in_days=-40)

    handed_out = campaigns_follow_dates_task.delay().get()

    assert sorted(sent) == sorted([planned.pk, producing.pk, ended.pk])
    assert handed_out == 3


def test_a_second_beat_run_changes_nothing(team, users):
    manager = users["manager"]
    planned = _dated(team, manager, CampaignStatus.PLANNED, starts_in_days=-1)
    producing = _dated(team, manager, CampaignStatus.IN_PRODUCTION, starts_in_days=-2)
    PhaseFactory(campaign=producing, kind=PhaseKind.PRODUCTION,
                 start_date=producing.start_date, end_date=producing.start_date + D(days=6))
    campaigns_follow_dates_task.delay().get()
    statuses = dict(Campaign.objects.values_list("pk", "status"))
    events = AuditEvent.objects.count()

    campaigns_follow_dates_task.delay().get()

    assert statuses == {planned.pk: "running", producing.pk: "in_production"}
    assert dict(Campaign.objects.values_list("pk", "status")) == statuses
    assert AuditEvent.objects.count() == events


def test_follow_dates_task_of_a_deleted_campaign_logs_and_returns(caplog):
    with caplog.at_level(logging.INFO, logger="campaigns.planning.tasks"):
        assert campaign_follow_dates_task.delay(987654).get() == []
    assert "campaign 987654 is gone" in caplog.text


def test_beat_job_skips_a_broken_campaign_and_moves_the_others(team, users, sent):
    # A plan ending at the last day of the calendar once made date arithmetic overflow.
    today = timezone.localdate()
    broken = CampaignFactory(team=team, owner=users["manager"], status=CampaignStatus.PLANNED,
                             start_date=today - D(days=1), end_date=datetime.date.max)
    PhaseFactory(campaign=broken, start_date=datetime.date(9999, 12, 31),
                 end_date=datetime.date(9999, 12, 31))
    ok = _dated(team, users["manager"], CampaignStatus.PLANNED, starts_in_days=-1)
    campaigns_follow_dates_task.delay().get()
    assert sorted(sent) == sorted([broken.pk, ok.pk])
    moved = [campaign_follow_dates_task.delay(pk).get() for pk in sent]
    ok.refresh_from_db()
    broken.refresh_from_db()
    assert ok.status == CampaignStatus.RUNNING
    assert sum(len(steps) for steps in moved) >= 1
    assert broken.status == CampaignStatus.PLANNED


def test_one_campaign_failing_does_not_stop_the_others(team, users, monkeypatch, sent):
    first = _dated(team, users["manager"], CampaignStatus.PLANNED, starts_in_days=0)
    second = _dated(team, users["manager"], CampaignStatus.PLANNED, starts_in_days=0)
    real = lifecycle._status_by_dates

    def flaky(campaign, phases, today):
        if campaign.pk == first.pk:
            raise OverflowError("date value out of range")
        return real(campaign, phases, today)

    monkeypatch.setattr(lifecycle, "_status_by_dates", flaky)
    campaigns_follow_dates_task.delay().get()
    assert sorted(sent) == sorted([first.pk, second.pk])
    # Each id is its own task: the first one fails alone (Celery records it).
    with pytest.raises(OverflowError):
        campaign_follow_dates_task.delay(first.pk).get()
    campaign_follow_dates_task.delay(second.pk).get()
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == CampaignStatus.RUNNING
    assert first.status == CampaignStatus.PLANNED


@pytest.mark.parametrize("status", [
    CampaignStatus.PLANNED, CampaignStatus.IN_PRODUCTION, CampaignStatus.RUNNING,
])
@pytest.mark.parametrize("offset", [-1, 0, 3, 7, 10, 21, 27, 28, 40])
def test_every_campaign_the_dates_would_move_is_handed_out(team, users, status, offset):
    """The beat's cheap query never leaves out a campaign its task would move."""
    start = timezone.localdate() - D(days=offset)
    campaign = CampaignFactory(team=team, owner=users["manager"], status=status,
                               start_date=start, end_date=start + D(days=27))
    for kind, first, last in ((PhaseKind.PRODUCTION, 0, 6), (PhaseKind.PROMOTION, 7, 20),
                              (PhaseKind.EVALUATION, 21, 27)):
        PhaseFactory(campaign=campaign, kind=kind, start_date=start + D(days=first),
                     end_date=start + D(days=last))
    today = timezone.localdate()
    wanted = lifecycle._status_by_dates(campaign, list(campaign.phases.all()), today)

    handed_out = campaign.pk in selectors.campaign_ids_due_a_date_move(today)

    if next_step_by_dates(status, wanted) is not None:
        assert handed_out
