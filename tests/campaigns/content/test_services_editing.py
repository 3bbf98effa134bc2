"""Creating and editing content: a version per edit, variants per account, nothing half-written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns.content import services
from campaigns.content.models import ContentItem, ContentKind, ContentVariant, ContentVersion
from campaigns.content.models import ContentStatus as S
from campaigns.planning.models import CampaignStatus
from teams.models import AuditEvent
from tests.platforms.factories import qualified_account

from .factories import MediaAssetFactory, in_days, item_for


def create(actor, campaign, **kwargs):
    data = {"kind": ContentKind.ARTICLE, "title": "New tea", "body": "Our spring tea is here."}
    data.update(kwargs)
    return services.content_item_create(actor=actor, campaign=campaign, **data)


def test_create_makes_a_draft_with_variants_media_and_version_one(users, campaign, team, weibo, douyin):
    asset = MediaAssetFactory(team=team)

    item = create(
        users["marketer"], campaign, accounts=[weibo, douyin], media=[asset],
        variants={weibo.pk: {"title": "", "body": "Short #tea#"}},
    )

    assert (item.status, item.version, item.owner, item.team) == (S.DRAFT, 1, users["marketer"], team)
    assert [(v.account, v.body) for v in item.variants.order_by("pk")] == [
        (weibo, "Short #tea#"), (douyin, "")
    ]
    assert list(item.media.all()) == [asset]
    version = ContentVersion.objects.get(item=item)
    assert (version.number, version.author) == (1, users["marketer"])
    assert version.snapshot["variants"][str(weibo.pk)] == {
        "account": str(weibo), "title": "", "body": "Short #tea#"
    }
    assert AuditEvent.objects.filter(action="content.create", target_id=str(item.pk)).count() == 1


@pytest.mark.parametrize("role", ["reviewer", "analyst"])
def test_create_is_refused_to_roles_that_do_not_write(users, campaign, role):
    with pytest.raises(PermissionDenied):
        create(users[role], campaign)

    assert not ContentItem.objects.exists()


def test_create_is_refused_to_another_team(outsider, campaign):
    with pytest.raises(PermissionDenied):
        create(outsider, campaign)


def test_create_reports_every_bad_field_and_writes_nothing(users, campaign, other_team):
    foreign = qualified_account(other_team, "weibo", handle="theirs")

    with pytest.raises(ValidationError) as exc:
        create(
            users["marketer"], campaign, kind="tweet", title=" ", planned_at=in_days(-2),
            interaction_prompt="poll", accounts=[foreign],
        )

    assert exc.value.message_dict == {
        "kind": ["Choose the kind of content."],
        "title": ["Enter a title."],
        "planned_at": ["The planned time is in the past."],
        "interaction_prompt_text": ["Write the prompt readers see, e.g. the poll question."],
        "accounts": ["Choose accounts of this campaign's team."],
    }
    assert not ContentItem.objects.exists()
    assert not ContentVersion.objects.exists()


def test_create_refuses_a_naive_planned_time(users, campaign):
    with pytest.raises(ValidationError) as exc:
        create(users["marketer"], campaign, planned_at=datetime.datetime(2031, 1, 1))  # noqa: DTZ001

    assert exc.value.message_dict == {"planned_at": ["Enter a date and time."]}


def test_create_refuses_a_closed_campaign(users, campaign):
    campaign.status = CampaignStatus.CLOSED
    campaign.save()

    with pytest.raises(ValidationError) as exc:
        create(users["marketer"], campaign)

    assert exc.value.message_dict == {"campaign": ["A Closed campaign takes no new content."]}


def test_create_refuses_media_of_another_team(users, campaign, other_team):
    with pytest.raises(ValidationError) as exc:
        create(users["marketer"], campaign, media=[MediaAssetFactory(team=other_team)])

    assert exc.value.message_dict == {"media": ["Choose media of this campaign's team."]}


def test_create_refuses_a_variant_for_an_account_that_is_not_a_target(users, campaign, weibo, douyin):
    with pytest.raises(ValidationError) as exc:
        create(users["marketer"], campaign, accounts=[weibo], variants={douyin.pk: {"body": "x"}})

    assert exc.value.message_dict == {
        "variants": ["A variant was given for an account that is not a target."]
    }
    assert not ContentItem.objects.exists()


def test_each_edit_makes_a_version_by_its_author(users, campaign, weibo):
    item = create(users["marketer"], campaign, accounts=[weibo])

    services.content_item_update(actor=users["manager"], item=item, body="Better text.")
    item = services.content_item_update(
        actor=users["marketer"], item=item, variants={weibo.pk: {"body": "Weibo text"}}
    )

    assert item.version == 3
    versions = list(ContentVersion.objects.filter(item=item).order_by("number"))
    assert [(v.number, v.author.username) for v in versions] == [
        (1, "marketer"), (2, "manager"), (3, "marketer")
    ]
    assert versions[1].snapshot["body"] == "Better text."
    assert versions[2].snapshot["variants"][str(weibo.pk)]["body"] == "Weibo text"


def test_an_edit_that_changes_nothing_makes_no_version(users, campaign, weibo):
    item = create(users["marketer"], campaign, accounts=[weibo])
    updated_at = ContentItem.objects.get(pk=item.pk).updated_at

    item = services.content_item_update(
        actor=users["marketer"], item=item, title="New tea", accounts=[weibo]
    )

    assert item.version == 1
    assert ContentItem.objects.get(pk=item.pk).updated_at == updated_at
    assert ContentVersion.objects.filter(item=item).count() == 1


def test_changing_target_accounts_adds_and_removes_variants(users, campaign, weibo, douyin):
    item = create(users["marketer"], campaign, accounts=[weibo])

    services.content_item_update(actor=users["marketer"], item=item, accounts=[douyin])

    assert list(ContentVariant.objects.filter(item=item).values_list("account", flat=True)) == [
        douyin.pk
    ]


def test_editing_an_approved_item_withdraws_the_approval(users, campaign, weibo):
    item = item_for(campaign, [weibo], status=S.APPROVED, approved_by=users["reviewer"])

    item = services.content_item_update(actor=users["marketer"], item=item, body="Changed.")

    item.refresh_from_db()
    assert (item.status, item.approved_by, item.version) == (S.DRAFT, None, 2)


def test_editing_an_expired_item_with_a_new_time_returns_it_to_draft(users, campaign, weibo):
    item = item_for(campaign, [weibo], status=S.EXPIRED, planned_at=in_days(-1))

    item = services.content_item_update(actor=users["marketer"], item=item, planned_at=in_days(3))

    assert item.status == S.DRAFT


@pytest.mark.parametrize("status", [S.IN_REVIEW, S.SCHEDULED, S.PUBLISHED, S.WITHDRAWN])
def test_content_in_review_or_later_cannot_be_edited(users, campaign, weibo, status):
    item = item_for(campaign, [weibo], status=status)

    with pytest.raises(ValidationError) as exc:
        services.content_item_update(actor=users["marketer"], item=item, body="x")

    assert list(exc.value.message_dict) == ["status"]
    item.refresh_from_db()
    assert item.version == 1


def test_an_edit_based_on_an_old_version_is_refused(users, campaign, weibo):
    item = create(users["marketer"], campaign, accounts=[weibo])
    services.content_item_update(actor=users["manager"], item=item, body="Manager's text.")

    with pytest.raises(ValidationError) as exc:
        services.content_item_update(
            actor=users["marketer"], item=item, expected_version=1, body="Mine."
        )

    assert list(exc.value.message_dict) == ["version"]
    assert ContentItem.objects.get(pk=item.pk).body == "Manager's text."


def test_a_bad_edit_leaves_item_variants_and_versions_as_they_were(users, campaign, weibo, douyin):
    item = create(users["marketer"], campaign, accounts=[weibo])

    with pytest.raises(ValidationError):
        services.content_item_update(
            actor=users["marketer"], item=item, title="", accounts=[douyin]
        )

    item.refresh_from_db()
    assert (item.title, item.version) == ("New tea", 1)
    assert [v.account for v in item.variants.all()] == [weibo]
