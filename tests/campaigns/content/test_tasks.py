"""Items not approved by their planned time expire; the owner is told once (beat fans out)."""

import datetime

import pytest
from django.utils import timezone

from campaigns.content import services, tasks
from campaigns.content.models import ContentStatus as S
from teams.models import Task

from .factories import in_days, item_for


def test_beat_hands_each_due_unapproved_item_to_its_own_task(campaign, weibo):
    due = [
        item_for(campaign, [weibo], status=status, planned_at=in_days(-1))
        for status in (S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED)
    ]
    approved = item_for(campaign, [weibo], status=S.APPROVED, planned_at=in_days(-1))
    later = item_for(campaign, [weibo], status=S.DRAFT, planned_at=in_days(1))

    assert tasks.content_expire_due_task() == 3

    for item in due:
        item.refresh_from_db()
        assert item.status == S.EXPIRED
    approved.refresh_from_db()
    later.refresh_from_db()
    assert (approved.status, later.status) == (S.APPROVED, S.DRAFT)
    assert Task.objects.filter(owner=campaign.owner).count() == 3


def test_expiry_tells_the_owner_once_with_a_keyed_task(users, campaign, weibo, team):
    planned = timezone.now() - datetime.timedelta(minutes=5)
    item = item_for(campaign, [weibo], status=S.IN_REVIEW, planned_at=planned, title="春茶")

    assert tasks.content_item_expire_task(item.pk) is True
    assert tasks.content_item_expire_task(item.pk) is False

    task = Task.objects.get()
    assert task.dedup_key == f"content-expired:{item.pk}:{planned.isoformat()}"
    when = timezone.localtime(planned, team.zone).strftime("%Y-%m-%d %H:%M")
    assert (task.owner, task.title) == (users["marketer"], f"“春茶”在 {when} 到期仍未获批准")


def test_an_item_expired_again_after_a_new_planned_time_gets_a_new_task(users, campaign, weibo):
    item = item_for(campaign, [weibo], status=S.DRAFT, planned_at=in_days(-1))
    services.content_item_expire(item=item)
    services.content_item_update(actor=users["marketer"], item=item, planned_at=in_days(1))
    item.refresh_from_db()

    services.content_item_expire(item=item, now=in_days(2))

    assert Task.objects.count() == 2


def test_the_expire_task_of_a_deleted_item_does_nothing(db):
    assert tasks.content_item_expire_task(999_999) is False


@pytest.mark.parametrize("status", [S.APPROVED, S.SCHEDULED, S.PUBLISHED, S.WITHDRAWN])
def test_items_past_review_never_expire(campaign, weibo, status):
    item = item_for(campaign, [weibo], status=status, planned_at=in_days(-1))

    assert services.content_item_expire(item=item) is False
    item.refresh_from_db()
    assert item.status == status
