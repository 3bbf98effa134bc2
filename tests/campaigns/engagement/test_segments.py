"""Segments: each rule computed in SQL, counts in one query, strategy through the inbox or a
CSV export that carries the nickname and platform id only; the audience import."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaigns.engagement import selectors, services
from campaigns.engagement.models import AudienceMember, Segment
from teams.models import AuditEvent

from .factories import InteractionFactory, csv_upload

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def days_ago(n):
    return NOW - datetime.timedelta(days=n)


@pytest.fixture
def audience(team, wechat):
    def add(ref, **fields):
        return AudienceMember.objects.create(team=team, account=wechat, external_ref=ref,
                                             nickname=f"nick-{ref}", **fields)

    return {
        "new": add("new", followed_at=days_ago(3), last_interaction_at=days_ago(1)),
        "old_fan": add("old_fan", followed_at=days_ago(300), last_interaction_at=days_ago(200)),
        "buyer": add("buyer", orders_count=3, total_spend=Decimal("450"),
                     followed_at=days_ago(40), last_interaction_at=days_ago(10)),
        "whale": add("whale", orders_count=1, total_spend=Decimal("5000"),
                     first_seen_at=days_ago(100)),
        "unseen": add("unseen", followed_at=days_ago(90)),
    }


def segment(team, users, **fields):
    values = {"name": fields.pop("name", fields["rule"]), "strategy": "welcome", **fields}
    return services.segment_create(actor=users["marketer"], team=team, **values)


def members(seg):
    return sorted(selectors.segment_members(seg, now=NOW).values_list("external_ref", flat=True))


@pytest.mark.parametrize(("fields", "expected"), [
    ({"rule": "new_followers", "days": 30}, ["new"]),
    ({"rule": "new_followers", "days": 60}, ["buyer", "new"]),
    ({"rule": "returning_buyers", "min_orders": 2}, ["buyer"]),
    ({"rule": "high_value", "min_spend": Decimal("1000")}, ["whale"]),
    ({"rule": "high_value", "min_spend": Decimal("400")}, ["buyer", "whale"]),
    ({"rule": "dormant", "days": 60}, ["old_fan", "unseen", "whale"]),
])
def test_each_rule_selects_its_members(team, users, audience, fields, expected):
    assert members(segment(team, users, **fields)) == expected


def test_commenters_on_a_campaign_are_its_segment(team, users, audience, wechat, weibo,
                                                  campaign):
    InteractionFactory(account=wechat, author_ref="buyer", campaign=campaign)
    InteractionFactory(account=wechat, author_ref="new", campaign=None)
    InteractionFactory(account=weibo, author_ref="whale", campaign=campaign)  # other account
    InteractionFactory(account=wechat, author_ref="old_fan", campaign=campaign, kind="message")

    seg = segment(team, users, rule="commenters", campaign=campaign)

    assert members(seg) == ["buyer"]


def test_counts_of_every_segment_come_from_one_query(team, users, audience,
                                                     django_assert_num_queries):
    segments = [
        segment(team, users, rule="new_followers", days=30),
        segment(team, users, rule="dormant", days=60),
        segment(team, users, rule="high_value", min_spend=Decimal("1")),
    ]

    with django_assert_num_queries(1):
        counts = selectors.segment_counts(segments, now=NOW)

    assert counts == {segments[0].pk: 1, segments[1].pk: 3, segments[2].pk: 2}


def test_a_rule_keeps_only_its_own_parameter(team, users, campaign):
    seg = segment(team, users, rule="returning_buyers", min_orders=3, days=9, campaign=campaign,
                  min_spend=Decimal("5"))

    assert (seg.min_orders, seg.days, seg.campaign, seg.min_spend) == (3, None, None, None)


@pytest.mark.parametrize(("fields", "field"), [
    ({"rule": "new_followers"}, "days"),
    ({"rule": "dormant", "days": 0}, "days"),
    ({"rule": "returning_buyers", "min_orders": 1}, "min_orders"),
    ({"rule": "high_value", "min_spend": Decimal("0")}, "min_spend"),
    ({"rule": "commenters"}, "campaign"),
    ({"rule": "nonsense"}, "rule"),
    ({"rule": "dormant", "days": 5, "strategy": "spam"}, "strategy"),
    ({"rule": "dormant", "days": 5, "name": " "}, "name"),
])
def test_a_segment_without_what_its_rule_needs_is_refused(team, users, fields, field):
    with pytest.raises(ValidationError) as info:
        segment(team, users, **{"name": "x", **fields})

    assert field in info.value.message_dict
    assert Segment.objects.count() == 0


def test_a_template_or_campaign_of_another_team_is_refused(team, users, other_team, outsider):
    foreign = services.reply_template_create(actor=outsider, team=other_team, name="t", body="hi")

    with pytest.raises(ValidationError) as info:
        segment(team, users, rule="dormant", days=5, template=foreign)

    assert list(info.value.message_dict) == ["template"]


def test_segment_names_are_unique_per_team(team, users):
    segment(team, users, rule="dormant", days=5, name="Sleepers")

    with pytest.raises(ValidationError) as info:
        segment(team, users, rule="dormant", days=9, name="Sleepers")

    assert info.value.message_dict == {"name": ["The team already has a segment of this name."]}


def test_the_export_holds_nickname_and_platform_id_only_and_is_audited(team, users, audience):
    AudienceMember.objects.filter(external_ref="new").update(nickname="=HYPERLINK(\"x\")")
    seg = segment(team, users, rule="new_followers", days=60)

    text = services.segment_export(actor=users["marketer"], segment=seg, now=NOW)

    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["platform", "account", "platform_user_id", "nickname"],
        ["wechat_oa", "brand-wechat", "buyer", "nick-buyer"],
        ["wechat_oa", "brand-wechat", "new", "'=HYPERLINK(\"x\")"],
    ]
    assert AuditEvent.objects.filter(action="segment.export").count() == 1


def test_a_reviewer_may_not_export(team, users, audience):
    seg = segment(team, users, rule="dormant", days=5)

    with pytest.raises(PermissionDenied):
        services.segment_export(actor=users["reviewer"], segment=seg)


def test_the_inbox_shows_the_interactions_of_a_segments_members(team, users, audience, wechat):
    from_buyer = InteractionFactory(account=wechat, author_ref="buyer")
    InteractionFactory(account=wechat, author_ref="new")
    seg = segment(team, users, rule="returning_buyers", min_orders=2)

    rows = list(selectors.inbox(users["marketer"], selectors.InboxFilters(segment=seg.pk)))

    assert rows == [from_buyer]


def test_a_segment_template_is_suggested_when_a_member_writes(team, users, audience, wechat):
    template = services.reply_template_create(actor=users["marketer"], team=team, name="VIP",
                                              body="{nickname}，老客专享")
    seg = segment(team, users, rule="returning_buyers", min_orders=2, template=template,
                  strategy="exclusive_offer")

    assert selectors.suggested_templates(InteractionFactory(account=wechat, author_ref="buyer")) == [
        (seg, template)]
    assert selectors.suggested_templates(InteractionFactory(account=wechat, author_ref="new")) == []


def test_segment_update_changes_the_rule(team, users, audience):
    seg = segment(team, users, rule="new_followers", days=30)

    services.segment_update(actor=users["marketer"], segment=seg, rule="high_value",
                            min_spend=Decimal("1000"))

    assert members(seg) == ["whale"]
    assert seg.days is None


# --- the audience import ---------------------------------------------------------------------


def test_followers_and_buyers_are_imported_and_updated(team, users, wechat, audience):
    upload = csv_upload(
        "platform_user_id,nickname,followed_at,orders,total_spend,last_order_at\n"
        "buyer,,,5,\"1,200.50\",2030-01-02\n"
        "fresh,新人,2030-01-01T08:00:00,,,\n"
    )

    result = services.audience_import(actor=users["marketer"], account=wechat, upload=upload)

    buyer = AudienceMember.objects.get(external_ref="buyer")
    fresh = AudienceMember.objects.get(external_ref="fresh")
    assert (result.created, result.updated) == (1, 1)
    assert (buyer.nickname, buyer.orders_count, buyer.total_spend) == (
        "nick-buyer", 5, Decimal("1200.50"))
    assert timezone.localtime(buyer.last_order_at, team.zone).date() == datetime.date(2030, 1, 2)
    assert fresh.followed_at == datetime.datetime(2030, 1, 1, 0, 0, tzinfo=datetime.UTC)


def test_an_import_with_bad_rows_names_them_and_stores_nothing(users, wechat):
    upload = csv_upload(
        "platform_user_id,orders,total_spend,followed_at\n"
        "ok,1,10,2030-01-01\n"
        ",1,10,\n"
        "bad-orders,-1,,\n"
        "bad-date,,,yesterday\n"
    )

    with pytest.raises(ValidationError) as info:
        services.audience_import(actor=users["marketer"], account=wechat, upload=upload)

    assert [m.split(":")[0] for m in info.value.message_dict["file"]] == [
        "Line 3", "Line 4", "Line 5"]
    assert AudienceMember.objects.count() == 0
