"""Planning services: validation, timeline rules, lifecycle and audit (S2.1)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaigns.planning import services
from campaigns.planning.models import Campaign, CampaignStatus, Milestone, Phase, PhaseKind
from campaigns.planning.smart import smart_check
from teams.models import AuditEvent, Task
from tests.campaigns.planning.factories import (
    START,
    CampaignFactory,
    GoalFactory,
    MilestoneFactory,
    PhaseFactory,
    spec_example,
)

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def base_values(**over):
    values = {
        "name": "Spring push", "objective": "awareness", "budget": Decimal("5000"),
        "start_date": START, "end_date": START + D(days=27),
        "target_age_bands": ["18-24"], "target_gender": "any", "target_interests": "Gaming, ",
    }
    values.update(over)
    return values


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


def test_marketer_creates_a_draft_with_audit(team, users):
    campaign = services.campaign_create(actor=users["marketer"], team=team, **base_values())
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.owner == users["marketer"]
    assert campaign.target_interests == ["gaming"]
    assert AuditEvent.objects.filter(action="campaign.create", target_id=str(campaign.pk)).exists()


@pytest.mark.parametrize("role", ["analyst", "reviewer"])
def test_read_only_roles_cannot_create(team, users, role):
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=users[role], team=team, **base_values())


def test_outsider_cannot_create_in_another_team(team, outsider):
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=outsider, team=team, **base_values())


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"end_date": START - D(days=1)}, "end_date"),
        ({"budget": Decimal("-1")}, "budget"),
        ({"budget": "abc"}, "budget"),
        ({"name": "  "}, "name"),
        ({"objective": "fame"}, "objective"),
        ({"target_age_bands": ["7-9"]}, "target_age_bands"),
    ],
)
def test_bad_campaign_input_gives_field_errors(team, users, over, field):
    with pytest.raises(ValidationError) as exc:
        services.campaign_create(actor=users["marketer"], team=team, **base_values(**over))
    assert field in errors_of(exc)


@pytest.fixture
def campaign(team, users):
    return services.campaign_create(actor=users["marketer"], team=team, **base_values())


def test_relative_kpi_stores_baseline_and_absolute_target(campaign, users):
    goal = services.goal_create(actor=users["marketer"], campaign=campaign, statement="+20%")
    kpi = services.kpi_create(
        actor=users["marketer"], goal=goal, metric="impressions", baseline=Decimal("1000"),
        target_change_percent=Decimal("20"),
    )
    assert kpi.target == Decimal("1200")
    assert kpi.baseline == Decimal("1000")
    assert kpi.target_change_percent == Decimal("20")
    assert kpi.deadline == campaign.end_date


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"target": "lots"}, "target"),
        ({"target": Decimal("-5")}, "target"),
        ({"target": None}, "target"),
        ({"target": Decimal("5"), "baseline": Decimal("-1")}, "baseline"),
        ({"target_change_percent": Decimal("20")}, "baseline"),
        ({"target": Decimal("5"), "deadline": START + D(days=400)}, "deadline"),
        ({"target": Decimal("5"), "deadline": START - D(days=1)}, "deadline"),
        ({"target": Decimal("5"), "metric": "fame"}, "metric"),
        ({"target": Decimal("5"), "platform": "nope"}, "platform"),
    ],
)
def test_bad_kpi_input_gives_field_errors(campaign, users, values, field):
    goal = GoalFactory(campaign=campaign)
    data = {"metric": "impressions", **values}
    with pytest.raises(ValidationError) as exc:
        services.kpi_create(actor=users["marketer"], goal=goal, **data)
    assert field in errors_of(exc)


def test_kpi_platform_by_code(campaign, users):
    goal = GoalFactory(campaign=campaign)
    kpi = services.kpi_create(
        actor=users["marketer"], goal=goal, metric="reads", target=Decimal("100000"),
        platform="wechat_oa", baseline=Decimal("1"),
    )
    assert kpi.platform.code == "wechat_oa"


def test_standard_plan_is_one_two_one_weeks_from_start(campaign, users):
    phases = services.phase_standard_plan(actor=users["marketer"], campaign=campaign)
    assert [(p.kind, p.start_date, p.end_date) for p in phases] == [
        (PhaseKind.PRODUCTION, START, START + D(days=6)),
        (PhaseKind.PROMOTION, START + D(days=7), START + D(days=20)),
        (PhaseKind.EVALUATION, START + D(days=21), START + D(days=27)),
    ]
    with pytest.raises(ValidationError):
        services.phase_standard_plan(actor=users["marketer"], campaign=campaign)


def test_standard_plan_refused_for_short_campaign(team, users):
    short = services.campaign_create(
        actor=users["marketer"], team=team, **base_values(end_date=START + D(days=10))
    )
    with pytest.raises(ValidationError) as exc:
        services.phase_standard_plan(actor=users["marketer"], campaign=short)
    assert "end_date" in errors_of(exc)


def test_phase_outside_campaign_refused(campaign, users):
    with pytest.raises(ValidationError) as exc:
        services.phase_create(
            actor=users["marketer"], campaign=campaign, kind="custom",
            start_date=START - D(days=2), end_date=START + D(days=2),
        )
    assert "start_date" in errors_of(exc)


def test_phase_end_before_start_refused(campaign, users):
    with pytest.raises(ValidationError) as exc:
        services.phase_create(
            actor=users["marketer"], campaign=campaign, kind="custom",
            start_date=START + D(days=5), end_date=START + D(days=2),
        )
    assert "end_date" in errors_of(exc)


def test_overlap_only_when_marked_parallel(campaign, users):
    services.phase_create(actor=users["marketer"], campaign=campaign, kind="production",
                          start_date=START, end_date=START + D(days=6))
    with pytest.raises(ValidationError) as exc:
        services.phase_create(actor=users["marketer"], campaign=campaign, kind="promotion",
                              start_date=START + D(days=5), end_date=START + D(days=10))
    assert "start_date" in errors_of(exc)
    phase = services.phase_create(
        actor=users["marketer"], campaign=campaign, kind="promotion", parallel=True,
        start_date=START + D(days=5), end_date=START + D(days=10),
    )
    assert phase.parallel


def test_moving_dates_shifts_phases_when_asked(campaign, users):
    services.phase_standard_plan(actor=users["marketer"], campaign=campaign)
    milestone = MilestoneFactory(phase=campaign.phases.first(), due_date=START + D(days=3))
    later = START + D(days=10)
    with pytest.raises(ValidationError) as exc:
        services.campaign_update(actor=users["marketer"], campaign=campaign,
                                 start_date=later, end_date=later + D(days=27))
    assert "start_date" in errors_of(exc)
    services.campaign_update(actor=users["marketer"], campaign=campaign, shift_phases=True,
                             start_date=later, end_date=later + D(days=27))
    starts = list(Phase.objects.filter(campaign=campaign).values_list("start_date", flat=True))
    assert starts == [later, later + D(days=7), later + D(days=21)]
    milestone.refresh_from_db()
    assert milestone.due_date == later + D(days=3)


def test_duplicate_copies_plan_with_shifted_dates(team, users):
    source = spec_example(team, users["marketer"])
    PhaseFactory(campaign=source, kind="production", start_date=START, end_date=START + D(days=6))
    MilestoneFactory(phase=source.phases.get(), due_date=START + D(days=2), title="Brief")
    copy = services.campaign_duplicate(
        actor=users["marketer"], campaign=source, start_date=START + D(days=100)
    )
    assert copy.pk != source.pk
    assert copy.status == CampaignStatus.DRAFT
    assert copy.start_date == START + D(days=100)
    assert copy.end_date == source.end_date + D(days=100)
    assert copy.goals.count() == 2
    kpi_deadlines = sorted(k.deadline for g in copy.goals.all() for k in g.kpis.all())
    assert kpi_deadlines == [source.end_date + D(days=100)] * 2
    assert Milestone.objects.get(phase__campaign=copy).due_date == START + D(days=102)
    assert not smart_check(copy).has_fail


def test_marketer_cannot_approve_but_manager_can(team, users):
    campaign = spec_example(team, users["marketer"])
    with pytest.raises(PermissionDenied):
        services.campaign_transition(actor=users["marketer"], campaign=campaign, to="planned")
    services.campaign_submit(actor=users["marketer"], campaign=campaign, reason="ready")
    assert Task.objects.filter(owner=users["manager"], source_id=str(campaign.pk)).exists()
    services.campaign_transition(
        actor=users["manager"], campaign=campaign, to="planned", reason="Looks good"
    )
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PLANNED
    task = Task.objects.get(owner=users["manager"], source_id=str(campaign.pk))
    assert task.status == "done"
    event = AuditEvent.objects.get(action="campaign.transition", target_id=str(campaign.pk))
    assert event.actor == users["manager"]
    assert event.reason == "Looks good"
    assert event.data == {"from": "draft", "to": "planned"}


def test_approval_refused_while_smart_fails(team, users):
    campaign = CampaignFactory(team=team, owner=users["marketer"])
    with pytest.raises(ValidationError) as exc:
        services.campaign_transition(actor=users["manager"], campaign=campaign, to="planned")
    assert "to" in errors_of(exc)
    with pytest.raises(ValidationError):
        services.campaign_submit(actor=users["marketer"], campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_illegal_transition_refused_with_message(team, users):
    campaign = spec_example(team, users["marketer"])
    with pytest.raises(ValidationError) as exc:
        services.campaign_transition(actor=users["manager"], campaign=campaign, to="closed")
    assert "Draft" in " ".join(errors_of(exc)["to"])


@pytest.mark.parametrize("role", ["analyst", "reviewer"])
def test_read_only_roles_cannot_edit_or_transition(team, users, role):
    campaign = spec_example(team, users["marketer"])
    with pytest.raises(PermissionDenied):
        services.campaign_update(actor=users[role], campaign=campaign, name="x")
    with pytest.raises(PermissionDenied):
        services.campaign_transition(actor=users[role], campaign=campaign, to="cancelled")
    with pytest.raises(PermissionDenied):
        services.goal_create(actor=users[role], campaign=campaign, statement="x")


def test_closed_campaign_is_locked(team, users):
    campaign = spec_example(team, users["marketer"])
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError):
        services.goal_create(actor=users["marketer"], campaign=campaign, statement="late")


def _planned_with_standard_plan(team, users):
    campaign = spec_example(team, users["marketer"])
    services.phase_standard_plan(actor=users["marketer"], campaign=campaign)
    services.campaign_transition(actor=users["manager"], campaign=campaign, to="planned")
    campaign.refresh_from_db()
    return campaign


def test_status_follows_dates_idempotently(team, users):
    campaign = _planned_with_standard_plan(team, users)
    assert services.campaign_follow_dates(campaign=campaign, today=START - D(days=1)) == []
    assert services.campaign_follow_dates(campaign=campaign, today=START) == ["in_production"]
    assert services.campaign_follow_dates(campaign=campaign, today=START) == []
    assert services.campaign_follow_dates(campaign=campaign, today=START + D(days=7)) == [
        "running"
    ]
    assert services.campaign_follow_dates(campaign=campaign, today=START + D(days=21)) == [
        "evaluating"
    ]
    assert services.campaign_follow_dates(campaign=campaign, today=START + D(days=200)) == []
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.EVALUATING
    events = AuditEvent.objects.filter(action="campaign.transition", target_id=str(campaign.pk))
    assert events.count() == 4  # approval + three date moves
    assert events.filter(actor__isnull=True).count() == 3


def test_late_job_catches_up_through_every_step(team, users):
    campaign = _planned_with_standard_plan(team, users)
    moved = services.campaign_follow_dates(campaign=campaign, today=START + D(days=10))
    assert moved == ["running"]


def test_dates_never_move_drafts_or_paused(team, users):
    draft = spec_example(team, users["marketer"])
    assert services.campaign_follow_dates(campaign=draft, today=START + D(days=10)) == []
    paused = _planned_with_standard_plan(team, users)
    # Nobody starts a campaign before its start date: here it has come.
    Campaign.objects.filter(pk=paused.pk).update(start_date=timezone.localdate())
    services.campaign_transition(actor=users["manager"], campaign=paused, to="running")
    services.campaign_transition(actor=users["manager"], campaign=paused, to="paused")
    paused.refresh_from_db()
    assert services.campaign_follow_dates(campaign=paused, today=START + D(days=200)) == []


def test_milestone_done_and_reopen(team, users):
    milestone = MilestoneFactory(phase__campaign__team=team)
    services.milestone_set_done(actor=users["marketer"], milestone=milestone, done=True)
    assert milestone.done_at is not None
    services.milestone_set_done(actor=users["marketer"], milestone=milestone, done=False)
    milestone.refresh_from_db()
    assert milestone.done_at is None


def test_milestone_owner_gets_a_task(team, users):
    phase = PhaseFactory(campaign__team=team)
    services.milestone_create(actor=users["manager"], phase=phase, title="Script final",
                              due_date=phase.start_date, owner=users["marketer"])
    assert Task.objects.filter(owner=users["marketer"], title__contains="Script final").exists()


def test_milestone_outside_campaign_refused(team, users):
    phase = PhaseFactory(campaign__team=team)
    with pytest.raises(ValidationError) as exc:
        services.milestone_create(actor=users["marketer"], phase=phase, title="x",
                                  due_date=phase.campaign.end_date + D(days=1))
    assert "due_date" in errors_of(exc)


def test_approved_plan_is_locked_for_marketers_but_milestones_still_tick(team, users):
    campaign = spec_example(team, users["marketer"])
    milestone = MilestoneFactory(phase__campaign=campaign)
    campaign.status = CampaignStatus.PLANNED
    campaign.save(update_fields=["status"])
    goal = campaign.goals.first()

    with pytest.raises(ValidationError) as refused:
        services.goal_update(actor=users["marketer"], goal=goal, statement="changed", objective=goal.objective)
    services.milestone_set_done(actor=users["marketer"], milestone=milestone, done=True)
    services.goal_update(actor=users["manager"], goal=goal, statement="tightened", objective=goal.objective)

    assert "return it to draft" in refused.value.messages[0]
    goal.refresh_from_db()
    milestone.refresh_from_db()
    assert goal.statement == "tightened"
    assert milestone.done_at is not None
