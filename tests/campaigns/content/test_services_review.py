"""Submission through the compliance checker, overrides, the reviewer's checklist and decision."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaigns.content import services
from campaigns.content.models import ContentReview, ContentVersion, ReviewDecision
from campaigns.content.models import ContentStatus as S
from compliance.advertising.models import ContentCheck, PromotionFiling
from teams.models import AuditEvent, Task
from tests.platforms.factories import qualified_account

from .factories import MediaAssetFactory, in_days, item_for

BLOCKED = "全网最低价，新茶上市"  # AB-01 (absolute terms) blocks
CLEAN = "春茶上市，欢迎品尝"
REASON = "法务已核实全网比价截图，存档编号 L-2026-031。"
CHECKLIST = {"accuracy_ok": True, "compliance_ok": True, "safety_ok": True}


@pytest.fixture
def draft(campaign, weibo):
    return item_for(campaign, [weibo], title="春茶", body=CLEAN)


def test_submit_runs_the_checker_and_sends_a_clean_item_to_review(users, draft, weibo):
    item = services.content_item_submit(actor=users["marketer"], item=draft)

    assert item.status == S.IN_REVIEW
    assert item.submitted_at is not None
    check = ContentCheck.objects.get()
    assert (check.content, check.platform, check.passed) == (draft, weibo.platform, True)
    assert check.text == "春茶\n\n春茶上市，欢迎品尝"
    assert AuditEvent.objects.filter(action="content.submit").count() == 1


def test_submit_checks_each_account_variant_on_its_platform(users, campaign, weibo, douyin):
    item = item_for(campaign, [weibo, douyin], title="春茶", body=CLEAN)
    item.variants.filter(account=douyin).update(body="抖音版本：" + CLEAN)

    services.content_item_submit(actor=users["marketer"], item=item)

    assert sorted(ContentCheck.objects.values_list("platform__code", "text")) == [
        ("douyin", "春茶\n\n抖音版本：春茶上市，欢迎品尝"), ("weibo", "春茶\n\n春茶上市，欢迎品尝"),
    ]


def test_blocking_findings_refuse_submission_and_keep_the_check_for_an_override(
    users, campaign, weibo
):
    item = item_for(campaign, [weibo], title="春茶", body=BLOCKED)

    with pytest.raises(ValidationError) as exc:
        services.content_item_submit(actor=users["marketer"], item=item)

    [message] = exc.value.message_dict["compliance"]
    assert message.startswith("Weibo · brand-weibo — AB-01 “全网最低价”: ")
    item.refresh_from_db()
    assert (item.status, item.blocked_version) == (S.DRAFT, 1)
    assert ContentCheck.objects.filter(cleared=False).count() == 1
    assert AuditEvent.objects.filter(action="content.submit_refused").count() == 1


def test_a_reviewer_override_lets_the_same_text_through_on_the_next_submission(
    users, campaign, weibo
):
    item = item_for(campaign, [weibo], title="春茶", body=BLOCKED)
    with pytest.raises(ValidationError):
        services.content_item_submit(actor=users["marketer"], item=item)
    check = ContentCheck.objects.get()

    services.content_finding_override(
        actor=users["reviewer"], item=item, check=check, finding_index=0, reason=REASON
    )
    item = services.content_item_submit(actor=users["marketer"], item=item)

    assert (item.status, item.blocked_version) == (S.IN_REVIEW, None)
    assert ContentCheck.objects.count() == 1  # reused, so the override still counts


def test_an_edit_after_an_override_is_checked_afresh(users, campaign, weibo):
    item = item_for(campaign, [weibo], title="春茶", body=BLOCKED)
    with pytest.raises(ValidationError):
        services.content_item_submit(actor=users["marketer"], item=item)
    services.content_finding_override(
        actor=users["reviewer"], item=item, check=ContentCheck.objects.get(), finding_index=0,
        reason=REASON,
    )
    services.content_item_update(actor=users["marketer"], item=item, body=BLOCKED + "！")

    with pytest.raises(ValidationError) as exc:
        services.content_item_submit(actor=users["marketer"], item=item)

    assert list(exc.value.message_dict) == ["compliance"]


def test_nobody_overrides_findings_on_their_own_content(users, campaign, weibo):
    item = item_for(campaign, [weibo], body=BLOCKED, owner=users["manager"])
    with pytest.raises(ValidationError):
        services.content_item_submit(actor=users["manager"], item=item)

    with pytest.raises(PermissionDenied):
        services.content_finding_override(
            actor=users["manager"], item=item, check=ContentCheck.objects.get(), finding_index=0,
            reason=REASON,
        )


def test_an_override_names_a_check_of_the_item(users, campaign, weibo, draft):
    other = item_for(campaign, [weibo], body=BLOCKED)
    with pytest.raises(ValidationError):
        services.content_item_submit(actor=users["marketer"], item=other)

    with pytest.raises(ValidationError) as exc:
        services.content_finding_override(
            actor=users["reviewer"], item=draft, check=ContentCheck.objects.get(), finding_index=0,
            reason=REASON,
        )

    assert list(exc.value.message_dict) == ["check"]


def test_submit_refuses_with_every_reason_at_once(users, campaign, team):
    account = qualified_account(team, "weibo", handle="lapsed", needs_reconnection=True)
    item = item_for(campaign, [account], body=CLEAN, is_paid_promotion=True)
    item.media.add(MediaAssetFactory(
        team=team, title="Stock", licence_expires_on=timezone.localdate() - datetime.timedelta(days=1)
    ))
    today = timezone.localtime(timezone.now(), team.zone).date()

    with pytest.raises(ValidationError) as exc:
        services.content_item_submit(actor=users["marketer"], item=item)

    assert exc.value.message_dict == {
        "accounts": ["Weibo · lapsed cannot publish: The platform rejected the credentials: "
                     "the account needs reconnection."],
        "media": [f"The licence of “Stock” expires on "
                  f"{(timezone.localdate() - datetime.timedelta(days=1)).isoformat()}, "
                  f"before {today.isoformat()}."],
        "filing": [f"Paid promotion on Weibo needs a filing valid on {today.isoformat()}; "
                   "none is on file."],
        "compliance": [
            "Weibo · lapsed — ID-01: Paid promotion without a visible \"广告\" (advertisement) label",
            "Weibo · lapsed — ID-02: Paid promotion without a valid filing for this platform",
        ],
    }
    item.refresh_from_db()
    assert item.status == S.DRAFT


def test_paid_content_with_a_filing_for_the_planned_day_passes(users, campaign, team, weibo):
    planned = in_days(3)
    day = timezone.localtime(planned, team.zone).date()
    PromotionFiling.objects.create(
        team=team, platform=weibo.platform, filing_number="F-9", amount_cny=500,
        starts_on=timezone.localdate(), ends_on=day,
    )
    item = item_for(campaign, [weibo], body=CLEAN + " 广告", is_paid_promotion=True,
                    planned_at=planned)

    assert services.content_item_submit(actor=users["marketer"], item=item).status == S.IN_REVIEW


def test_submit_needs_an_account(users, campaign):
    item = item_for(campaign, [], body=CLEAN)

    with pytest.raises(ValidationError) as exc:
        services.content_item_submit(actor=users["marketer"], item=item)

    assert exc.value.message_dict == {"accounts": ["Choose at least one account to publish on."]}


def test_submit_refuses_a_planned_time_already_past(users, campaign, weibo):
    item = item_for(campaign, [weibo], body=CLEAN, planned_at=in_days(-1))

    with pytest.raises(ValidationError) as exc:
        services.content_item_submit(actor=users["marketer"], item=item)

    assert list(exc.value.message_dict) == ["planned_at"]


@pytest.mark.parametrize("role", ["reviewer", "analyst"])
def test_submit_is_refused_to_roles_that_do_not_write(users, draft, role):
    with pytest.raises(PermissionDenied):
        services.content_item_submit(actor=users[role], item=draft)


@pytest.fixture
def in_review(users, draft):
    return services.content_item_submit(actor=users["marketer"], item=draft)


@pytest.mark.parametrize("role", ["reviewer", "manager", "admin"])
def test_a_reviewer_approves_with_the_three_checks(users, in_review, role):
    review = services.content_item_review(
        actor=users[role], item=in_review, decision=ReviewDecision.APPROVED, **CHECKLIST
    )

    in_review.refresh_from_db()
    assert (in_review.status, in_review.approved_by) == (S.APPROVED, users[role])
    assert (review.version, review.reviewer, review.decision) == (1, users[role], "approved")
    assert AuditEvent.objects.filter(action="content.review").count() == 1


def test_approval_without_the_checklist_is_refused_per_box(users, in_review):
    with pytest.raises(ValidationError) as exc:
        services.content_item_review(
            actor=users["reviewer"], item=in_review, decision=ReviewDecision.APPROVED,
            accuracy_ok=True,
        )

    assert exc.value.message_dict == {
        "compliance_ok": ["Tick this check before approving."],
        "safety_ok": ["Tick this check before approving."],
    }
    assert not ContentReview.objects.exists()
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW


def test_requesting_changes_needs_a_comment_and_gives_the_owner_a_task(users, in_review):
    with pytest.raises(ValidationError) as exc:
        services.content_item_review(
            actor=users["reviewer"], item=in_review, decision=ReviewDecision.CHANGES_REQUESTED,
        )
    assert exc.value.message_dict == {"comment": ["Say what should change."]}

    review = services.content_item_review(
        actor=users["reviewer"], item=in_review, decision=ReviewDecision.CHANGES_REQUESTED,
        comment="价格说法需要出处。",
    )

    in_review.refresh_from_db()
    assert in_review.status == S.CHANGES_REQUESTED
    task = Task.objects.get(dedup_key=f"content-changes:{in_review.pk}:{review.pk}")
    assert (task.owner, task.description) == (users["marketer"], "价格说法需要出处。")


def test_nobody_approves_their_own_item(users, campaign, weibo):
    item = item_for(campaign, [weibo], body=CLEAN, owner=users["manager"])
    services.content_item_submit(actor=users["manager"], item=item)

    with pytest.raises(PermissionDenied):
        services.content_item_review(
            actor=users["manager"], item=item, decision=ReviewDecision.APPROVED, **CHECKLIST
        )


def test_nobody_approves_a_version_they_wrote(users, campaign, weibo):
    item = item_for(campaign, [weibo], body=CLEAN)
    services.content_item_update(actor=users["manager"], item=item, body=CLEAN + "。")
    services.content_item_submit(actor=users["marketer"], item=item)

    with pytest.raises(PermissionDenied):
        services.content_item_review(
            actor=users["manager"], item=item, decision=ReviewDecision.APPROVED, **CHECKLIST
        )
    assert ContentVersion.objects.get(item=item, number=2).author == users["manager"]


@pytest.mark.parametrize("role", ["marketer", "analyst"])
def test_roles_without_review_may_not_review(users, in_review, role):
    with pytest.raises(PermissionDenied):
        services.content_item_review(
            actor=users[role], item=in_review, decision=ReviewDecision.APPROVED, **CHECKLIST
        )


def test_approval_is_refused_when_an_account_lost_its_right_to_publish(users, in_review, weibo):
    weibo.needs_reconnection = True
    weibo.save()

    with pytest.raises(ValidationError) as exc:
        services.content_item_review(
            actor=users["reviewer"], item=in_review, decision=ReviewDecision.APPROVED, **CHECKLIST
        )

    assert list(exc.value.message_dict) == ["accounts"]


def test_only_items_in_review_are_reviewed(users, draft):
    with pytest.raises(ValidationError) as exc:
        services.content_item_review(
            actor=users["reviewer"], item=draft, decision=ReviewDecision.APPROVED, **CHECKLIST
        )

    assert exc.value.message_dict == {"status": ["Only content in review can be reviewed."]}


def test_an_unknown_decision_is_a_field_error(users, in_review):
    with pytest.raises(ValidationError) as exc:
        services.content_item_review(actor=users["reviewer"], item=in_review, decision="maybe")

    assert exc.value.message_dict == {"decision": ["Approve or request changes."]}


def test_withdraw_takes_an_approved_item_out_and_clears_the_approval(users, campaign, weibo):
    item = item_for(campaign, [weibo], status=S.APPROVED, approved_by=users["reviewer"])

    item = services.content_item_withdraw(actor=users["marketer"], item=item, reason="Off-brand")

    assert (item.status, item.approved_by) == (S.WITHDRAWN, None)
    assert AuditEvent.objects.get(action="content.transition").reason == "Off-brand"


def test_withdraw_is_refused_once_publishing_started(users, campaign, weibo):
    item = item_for(campaign, [weibo], status=S.PUBLISHING)

    with pytest.raises(ValidationError):
        services.content_item_withdraw(actor=users["marketer"], item=item)


def test_a_status_listener_hears_every_move(users, campaign, weibo):
    heard = []
    listener = lambda item, frm, to: heard.append((item.pk, frm, to))  # noqa: E731
    services.register_status_listener(listener)
    try:
        item = item_for(campaign, [weibo], status=S.APPROVED)
        services.content_item_withdraw(actor=users["marketer"], item=item)
    finally:
        services._status_listeners.remove(listener)

    assert heard == [(item.pk, "approved", "withdrawn")]
