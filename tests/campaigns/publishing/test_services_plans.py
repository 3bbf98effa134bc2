"""Recurring publishing plans: presets, rules, idempotent slots in the team's zone."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaigns.publishing import services, tasks
from campaigns.publishing.models import PublishingPlan, Slot
from platforms.models import VerificationStatus
from teams.models import AuditEvent

from .factories import approved_item

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
START = datetime.datetime(2030, 1, 7, tzinfo=UTC)  # a Monday


def _plan(users, campaign, account, **fields) -> PublishingPlan:
    values = {"name": "Evening posts", "preset": "image_text_daily",
              "starts_on": datetime.date(2030, 1, 1)}
    values.update(fields)
    return services.plan_create(actor=users["marketer"], campaign=campaign, account=account,
                                **values)


def test_preset_fills_kind_rule_and_time(campaign, weibo, users):
    plan = _plan(users, campaign, weibo)

    assert (plan.content_kind, plan.rrule, plan.time_of_day) == (
        "image_text", "FREQ=DAILY", datetime.time(20, 0)
    )
    assert AuditEvent.objects.filter(action="plan.create", target_id=str(plan.pk)).exists()


def test_slots_are_made_at_the_team_wall_time_and_stored_aware(campaign, weibo, users):
    campaign.team.time_zone = "Asia/Shanghai"
    campaign.team.save()
    plan = _plan(users, campaign, weibo, preset="video_weekly_friday")
    Slot.objects.filter(plan=plan).delete()

    made = services.plan_slots_generate(plan=plan, start=START,
                                        horizon=datetime.timedelta(weeks=3))

    slots = list(Slot.objects.filter(plan=plan).order_by("starts_at"))
    assert made == 3
    assert [s.starts_at for s in slots] == [
        datetime.datetime(2030, 1, 11, 12, 0, tzinfo=UTC),
        datetime.datetime(2030, 1, 18, 12, 0, tzinfo=UTC),
        datetime.datetime(2030, 1, 25, 12, 0, tzinfo=UTC),
    ]
    assert {timezone.localtime(s.starts_at, campaign.team.zone).strftime("%a %H:%M")
            for s in slots} == {"Fri 20:00"}
    assert {(s.team_id, s.account_id, s.item_id) for s in slots} == {
        (campaign.team_id, weibo.pk, None)
    }


def test_generating_twice_makes_nothing_twice(campaign, weibo, users):
    plan = _plan(users, campaign, weibo)
    Slot.objects.filter(plan=plan).delete()

    first = services.plan_slots_generate(plan=plan, start=START,
                                         horizon=datetime.timedelta(days=10))
    second = services.plan_slots_generate(plan=plan, start=START,
                                          horizon=datetime.timedelta(days=10))

    assert (first, second) == (10, 0)
    assert Slot.objects.filter(plan=plan).count() == 10


def test_the_beat_extends_every_running_plan_once(campaign, weibo, users):
    plan = _plan(users, campaign, weibo)
    ended = _plan(users, campaign, weibo, name="Old", starts_on=datetime.date(2020, 1, 1),
                  ends_on=datetime.date(2020, 2, 1))
    before = Slot.objects.filter(plan=plan).count()

    assert tasks.publishing_plans_extend_task() == 1
    assert tasks.publishing_plans_extend_task() == 1

    assert Slot.objects.filter(plan=plan).count() == before
    assert Slot.objects.filter(plan=ended).count() == 0


def test_plan_creation_makes_the_coming_weeks_of_slots(campaign, weibo, users):
    plan = _plan(users, campaign, weibo, starts_on=timezone.localdate())

    count = Slot.objects.filter(plan=plan).count()
    assert count in (services.HORIZON.days, services.HORIZON.days + 1)
    assert not Slot.objects.filter(plan=plan, starts_at__lt=timezone.now()).exists()


def test_custom_rule_without_a_preset(campaign, weibo, users):
    plan = _plan(users, campaign, weibo, preset="", content_kind="long_video",
                 rrule="RRULE:FREQ=WEEKLY;BYDAY=MO,TH", time_of_day=datetime.time(9, 30))

    assert plan.rrule == "FREQ=WEEKLY;BYDAY=MO,TH"


def test_every_field_error_of_a_plan_at_once_and_nothing_written(
    campaign, other_account, users
):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            actor=users["marketer"], campaign=campaign, account=other_account, name=" ",
            content_kind="poem", rrule="FREQ=HOURLY", starts_on=datetime.date(2030, 2, 1),
            ends_on=datetime.date(2030, 1, 1), time_of_day=datetime.time(8),
        )

    assert exc.value.message_dict == {
        "account": ["The account belongs to another team than the campaign."],
        "name": ["Give the plan a name."],
        "content_kind": ["Choose a content kind."],
        "ends_on": ["The plan cannot end before it starts."],
        "rrule": ["Plans repeat daily at most often (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)."],
    }
    assert not PublishingPlan.objects.exists()
    assert not Slot.objects.exists()


def test_a_plan_on_an_account_that_cannot_publish_is_refused(campaign, weibo, users):
    weibo.verification_status = VerificationStatus.PENDING
    weibo.save()

    with pytest.raises(ValidationError) as exc:
        _plan(users, campaign, weibo)

    assert exc.value.message_dict["account"] == [
        "The account is not verified (status: Pending review)."
    ]
    assert not PublishingPlan.objects.exists()


def test_a_reviewer_may_not_make_plans(campaign, weibo, users):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=users["reviewer"], campaign=campaign, account=weibo,
                             name="x", preset="image_text_daily",
                             starts_on=datetime.date(2030, 1, 1))


def test_changing_the_rhythm_removes_unfilled_slots_that_no_longer_fit_and_keeps_filled(
    campaign, weibo, users
):
    plan = _plan(users, campaign, weibo, starts_on=timezone.localdate())
    slots = list(Slot.objects.filter(plan=plan).order_by("starts_at"))
    item = approved_item(campaign, [weibo])
    services.publication_schedule(actor=users["marketer"], item=item, slot=slots[1])

    services.plan_update(actor=users["marketer"], plan=plan, preset="video_weekly_friday")

    remaining = Slot.objects.filter(plan=plan)
    zone = campaign.team.zone
    unfilled_days = {
        timezone.localtime(s.starts_at, zone).strftime("%a")
        for s in remaining.filter(item__isnull=True)
    }
    assert unfilled_days == {"Fri"}
    assert remaining.filter(pk=slots[1].pk, item=item).exists()


def test_deleting_a_plan_keeps_filled_slots_on_the_calendar(campaign, weibo, users):
    plan = _plan(users, campaign, weibo, starts_on=timezone.localdate())
    slot = Slot.objects.filter(plan=plan).order_by("starts_at").first()
    item = approved_item(campaign, [weibo])
    services.publication_schedule(actor=users["marketer"], item=item, slot=slot)

    services.plan_delete(actor=users["marketer"], plan=plan)

    assert list(Slot.objects.values_list("pk", "plan", "item")) == [(slot.pk, None, item.pk)]
