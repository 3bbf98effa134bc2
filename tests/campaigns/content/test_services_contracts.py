"""The three functions publishing relies on: move, schedulability, payload."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaigns.content.models import ContentStatus as S
from campaigns.content.models import ContentVariant, InteractionPrompt
from campaigns.content.services import (
    content_item_check_schedulable,
    content_item_move,
    content_item_payload,
)
from compliance.advertising.models import PromotionFiling
from platforms.models import VerificationStatus
from teams.models import AuditEvent
from tests.platforms.factories import qualified_account

from .factories import MediaAssetFactory, in_days, item_for


def test_move_by_job_takes_an_automatic_move_and_audits_it(campaign, weibo):
    item = item_for(campaign, [weibo], status=S.SCHEDULED)

    moved = content_item_move(actor=None, item=item, to=S.PUBLISHING)

    item.refresh_from_db()
    assert (moved.status, item.status) == (S.PUBLISHING, S.PUBLISHING)
    event = AuditEvent.objects.get(action="content.transition")
    assert (event.actor, event.data) == (None, {"from": "scheduled", "to": "publishing"})


def test_move_by_job_is_refused_a_move_only_people_make(campaign, weibo):
    item = item_for(campaign, [weibo], status=S.FAILED)

    with pytest.raises(PermissionDenied):
        content_item_move(actor=None, item=item, to=S.SCHEDULED)

    item.refresh_from_db()
    assert item.status == S.FAILED


def test_move_to_the_current_status_changes_nothing(campaign, weibo):
    item = item_for(campaign, [weibo], status=S.PUBLISHED)

    content_item_move(actor=None, item=item, to=S.PUBLISHED)

    assert not AuditEvent.objects.filter(action="content.transition").exists()


def test_move_with_expected_from_leaves_an_item_moved_meanwhile_to_the_job(campaign, weibo):
    item = item_for(campaign, [weibo], status=S.WITHDRAWN)

    moved = content_item_move(actor=None, item=item, to=S.PUBLISHING, expected_from=S.SCHEDULED)

    assert moved.status == S.WITHDRAWN


def test_move_refuses_review_moves_that_have_their_own_service(campaign, weibo, users):
    item = item_for(campaign, [weibo], status=S.IN_REVIEW)

    with pytest.raises(ValidationError) as exc:
        content_item_move(actor=users["reviewer"], item=item, to=S.APPROVED)

    assert list(exc.value.message_dict) == ["status"]


def test_move_by_a_person_needs_the_capability(campaign, weibo, users):
    item = item_for(campaign, [weibo], status=S.FAILED)

    with pytest.raises(PermissionDenied):
        content_item_move(actor=users["reviewer"], item=item, to=S.SCHEDULED)
    moved = content_item_move(actor=users["marketer"], item=item, to=S.SCHEDULED)

    assert moved.status == S.SCHEDULED


def test_schedulable_passes_an_approved_item_on_its_accounts(campaign, weibo, douyin):
    item = item_for(campaign, [weibo, douyin], status=S.APPROVED)

    assert content_item_check_schedulable(item=item, accounts=[weibo, douyin], at=in_days(2)) is None


def test_schedulable_refuses_an_unapproved_item_in_the_past_on_a_foreign_account(
    campaign, weibo, douyin
):
    item = item_for(campaign, [weibo], status=S.IN_REVIEW)

    with pytest.raises(ValidationError) as exc:
        content_item_check_schedulable(item=item, accounts=[douyin], at=in_days(-1))

    assert exc.value.message_dict == {
        "status": ["Only approved content can be scheduled; this item is “In review”."],
        "at": ["The time is in the past."],
        "accounts": ["Douyin · brand-douyin is not a target account of this item."],
    }


def test_schedulable_refuses_a_naive_time(campaign, weibo):
    item = item_for(campaign, [weibo], status=S.APPROVED)

    with pytest.raises(ValidationError) as exc:
        content_item_check_schedulable(
            item=item, accounts=[weibo], at=datetime.datetime(2031, 1, 1, 20, 0)  # noqa: DTZ001
        )

    assert exc.value.message_dict == {"at": ["Enter a date and time."]}


def test_schedulable_refuses_no_account(campaign, weibo):
    item = item_for(campaign, [weibo], status=S.APPROVED)

    with pytest.raises(ValidationError) as exc:
        content_item_check_schedulable(item=item, accounts=[], at=in_days(1))

    assert exc.value.message_dict == {"accounts": ["Choose at least one account."]}


def test_schedulable_refuses_an_account_that_cannot_publish_with_its_reasons(campaign, team):
    account = qualified_account(
        team, "weibo", handle="unverified", verification_status=VerificationStatus.PENDING
    )
    item = item_for(campaign, [account], status=S.APPROVED)

    with pytest.raises(ValidationError) as exc:
        content_item_check_schedulable(item=item, accounts=[account], at=in_days(1))

    assert exc.value.message_dict == {"accounts": [
        "Weibo · unverified cannot publish: The account is not verified (status: Pending review)."
    ]}


def test_schedulable_refuses_media_whose_licence_ends_before_the_day(campaign, team, weibo):
    item = item_for(campaign, [weibo], status=S.APPROVED)
    at = in_days(10)
    day = timezone.localtime(at, team.zone).date()
    ends = day - datetime.timedelta(days=1)
    item.media.add(MediaAssetFactory(team=team, title="Stock photo", licence_expires_on=ends))
    item.media.add(MediaAssetFactory(team=team, title="Ours", licence_expires_on=day))

    with pytest.raises(ValidationError) as exc:
        content_item_check_schedulable(item=item, accounts=[weibo], at=at)

    assert exc.value.message_dict == {"media": [
        f"The licence of “Stock photo” expires on {ends.isoformat()}, before {day.isoformat()}."
    ]}


def test_schedulable_uses_the_team_time_zone_for_the_day(campaign, team, weibo):
    # 23:30 in Shanghai is 15:30 UTC the same day, and the next hour is the next day there.
    day = timezone.localdate() + datetime.timedelta(days=5)
    at = datetime.datetime.combine(day, datetime.time(23, 30), tzinfo=team.zone)
    item = item_for(campaign, [weibo], status=S.APPROVED)
    item.media.add(MediaAssetFactory(team=team, licence_expires_on=day))

    assert content_item_check_schedulable(item=item, accounts=[weibo], at=at) is None
    with pytest.raises(ValidationError):
        content_item_check_schedulable(
            item=item, accounts=[weibo], at=at + datetime.timedelta(hours=1)
        )


def test_schedulable_refuses_paid_content_without_a_filing_for_each_platform(
    campaign, team, weibo, douyin
):
    at = in_days(5)
    day = timezone.localtime(at, team.zone).date()
    PromotionFiling.objects.create(
        team=team, platform=weibo.platform, filing_number="F-1", amount_cny=1000,
        starts_on=day, ends_on=day,
    )
    item = item_for(campaign, [weibo, douyin], status=S.APPROVED, is_paid_promotion=True)

    with pytest.raises(ValidationError) as exc:
        content_item_check_schedulable(item=item, accounts=[weibo, douyin], at=at)

    assert exc.value.message_dict == {"filing": [
        f"Paid promotion on Douyin needs a filing valid on {day.isoformat()}; none is on file."
    ]}
    content_item_check_schedulable(item=item, accounts=[weibo], at=at)


@pytest.mark.parametrize("status", [S.SCHEDULED, S.FAILED, S.UNKNOWN])
def test_schedulable_accepts_an_item_that_keeps_its_approval(campaign, weibo, status):
    item = item_for(campaign, [weibo], status=status)

    assert content_item_check_schedulable(item=item, accounts=[weibo], at=in_days(1)) is None


def test_payload_takes_the_variant_text_and_falls_back_to_the_original(campaign, team, weibo, douyin):
    item = item_for(
        campaign, [weibo, douyin], title="New tea", body="Our spring tea.",
        interaction_prompt=InteractionPrompt.POLL, interaction_prompt_text="Green or black?",
    )
    ContentVariant.objects.filter(item=item, account=weibo).update(body="Short Weibo text #tea#")
    asset = MediaAssetFactory(team=team)
    item.media.add(asset)

    weibo_payload = content_item_payload(item=item, account=weibo, client_key="k-1")
    douyin_payload = content_item_payload(item=item, account=douyin)

    assert (weibo_payload.title, weibo_payload.body, weibo_payload.client_key) == (
        "New tea", "Short Weibo text #tea#\n\nGreen or black?", "k-1"
    )
    assert weibo_payload.media_urls == (asset.file.url,)
    assert (douyin_payload.title, douyin_payload.body) == (
        "New tea", "Our spring tea.\n\nGreen or black?"
    )


def test_payload_refuses_an_account_that_is_not_a_target(campaign, weibo, douyin):
    item = item_for(campaign, [weibo])

    with pytest.raises(ValidationError) as exc:
        content_item_payload(item=item, account=douyin)

    assert list(exc.value.message_dict) == ["accounts"]
