"""Triage and replies: templates with variables, the connector called once, window closed
recorded as such, the declared status machine, the response policy and its deadlines."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaigns.engagement import selectors, services
from campaigns.engagement.models import (
    InteractionNote,
    InteractionReply,
    InteractionStatus,
    ReplyStatus,
    ReplyTemplate,
    ResponsePolicy,
)
from campaigns.engagement.transitions import INTERACTION
from teams.models import AuditEvent
from tests.factories import member

from .factories import TUESDAY_10, InteractionFactory, steer

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(weibo, campaign):
    return InteractionFactory(account=weibo, author_name="小鱼", campaign=campaign)


@pytest.fixture
def template(team, users):
    return services.reply_template_create(
        actor=users["marketer"], team=team, name="Thanks",
        body="{nickname}，感谢支持{campaign}！关注{account}不迷路 {{活动}}",
    )


# --- replies -------------------------------------------------------------------------


def test_a_template_reply_fills_the_variables_and_sets_the_first_response(item, template, users):
    reply = services.interaction_reply(actor=users["marketer"], interaction=item,
                                       template=template)

    item.refresh_from_db()
    assert reply.status == ReplyStatus.SENT
    assert reply.text == "小鱼，感谢支持Spring launch！关注brand-weibo不迷路 {活动}"
    assert reply.external_id == f"{item.external_id}-reply"
    assert item.first_response_at is not None
    assert item.first_responder == users["marketer"]
    assert item.status == InteractionStatus.PENDING


def test_typed_text_wins_over_the_template_and_its_variables_are_filled(item, template, users):
    reply = services.interaction_reply(actor=users["marketer"], interaction=item,
                                       template=template, text="  谢谢{nickname}  ")

    assert reply.text == "谢谢小鱼"
    assert reply.template == template


def test_a_reply_with_resolve_resolves_the_item(item, users):
    services.interaction_reply(actor=users["marketer"], interaction=item, text="好的",
                               resolve=True)

    item.refresh_from_db()
    assert item.status == InteractionStatus.RESOLVED
    assert item.resolved_at is not None


def test_a_second_reply_keeps_the_first_response_time(item, users):
    services.interaction_reply(actor=users["marketer"], interaction=item, text="第一条")
    item.refresh_from_db()
    first = item.first_response_at

    services.interaction_reply(actor=users["manager"], interaction=item, text="第二条")

    item.refresh_from_db()
    assert (item.first_response_at, item.first_responder) == (first, users["marketer"])
    assert item.replies.count() == 2


def test_an_empty_reply_is_refused_and_nothing_is_recorded(item, users):
    with pytest.raises(ValidationError) as info:
        services.interaction_reply(actor=users["marketer"], interaction=item, text="   ")

    assert info.value.message_dict == {"text": ["Write a reply or choose a template."]}
    assert InteractionReply.objects.count() == 0


def test_an_unknown_variable_is_refused(item, users):
    with pytest.raises(ValidationError) as info:
        services.interaction_reply(actor=users["marketer"], interaction=item, text="{phone} 你好")

    assert info.value.message_dict == {
        "text": ["Unknown variable(s) {phone}; use {nickname}, {campaign}, {account}."]}


def test_a_closed_wechat_window_is_recorded_as_window_closed_not_as_a_failure(item, users, weibo):
    steer(weibo, fail="reply_window_closed")

    reply = services.interaction_reply(actor=users["marketer"], interaction=item, text="你好")

    item.refresh_from_db()
    weibo.refresh_from_db()
    assert (reply.status, reply.error_kind, reply.error_code) == (
        ReplyStatus.WINDOW_CLOSED, "window_closed", "45015")
    assert item.first_response_at is None
    assert item.status == InteractionStatus.NEW
    assert weibo.last_error == ""  # not the account's problem


def test_a_rejected_credential_fails_the_reply_and_flags_the_account(item, users, weibo):
    steer(weibo, fail="auth")

    reply = services.interaction_reply(actor=users["marketer"], interaction=item, text="你好")

    weibo.refresh_from_db()
    assert (reply.status, reply.error_kind) == (ReplyStatus.FAILED, "auth")
    assert weibo.needs_reconnection is True


def test_the_connector_is_called_once_per_reply(item, users, weibo):
    steer(weibo, fail="rate_limited")

    reply = services.interaction_reply(actor=users["marketer"], interaction=item, text="你好")

    assert (reply.status, reply.error_kind) == (ReplyStatus.FAILED, "transient")
    assert InteractionReply.objects.count() == 1


def test_a_template_of_another_team_is_refused(item, users, other_team, outsider):
    foreign = services.reply_template_create(actor=outsider, team=other_team, name="x", body="hi")

    with pytest.raises(ValidationError) as info:
        services.interaction_reply(actor=users["marketer"], interaction=item, template=foreign)

    assert info.value.message_dict == {"template": ["Choose a template of the interaction's team."]}


@pytest.mark.parametrize("role", ["reviewer", "analyst"])
def test_roles_without_the_reply_capability_may_not_reply(item, users, role):
    with pytest.raises(PermissionDenied):
        services.interaction_reply(actor=users[role], interaction=item, text="你好")


def test_a_user_of_another_team_may_not_reply(item, outsider):
    with pytest.raises(PermissionDenied):
        services.interaction_reply(actor=outsider, interaction=item, text="你好")
    assert InteractionReply.objects.count() == 0


# --- templates --------------------------------------------------------------------------


def test_template_names_are_unique_per_team(team, users, template):
    with pytest.raises(ValidationError) as info:
        services.reply_template_create(actor=users["marketer"], team=team, name="Thanks",
                                       body="again")

    assert info.value.message_dict == {"name": ["The team already has a template of this name."]}
    assert ReplyTemplate.objects.count() == 1


def test_a_template_with_an_unknown_variable_is_refused(team, users):
    with pytest.raises(ValidationError) as info:
        services.reply_template_create(actor=users["marketer"], team=team, name="x",
                                       body="{nickname.__class__}")

    assert list(info.value.message_dict) == ["body"]


def test_a_template_is_updated_and_deleted_with_an_audit_row(template, users):
    services.reply_template_update(actor=users["marketer"], template=template, body="谢谢{nickname}")
    services.reply_template_delete(actor=users["marketer"], template=template)

    assert ReplyTemplate.objects.count() == 0
    assert list(AuditEvent.objects.filter(action__startswith="reply_template.")
                .order_by("id").values_list("action", flat=True)) == [
        "reply_template.create", "reply_template.update", "reply_template.delete"]


def test_render_reply_leaves_missing_values_empty(weibo):
    bare = InteractionFactory(account=weibo, author_name="")

    assert services.render_reply("{nickname}您好，{campaign}", bare) == "您好，"


# --- triage -------------------------------------------------------------------------------


def test_an_item_is_assigned_to_a_member_of_its_team_only(item, users, outsider):
    services.interaction_assign(actor=users["manager"], interaction=item,
                                assignee=users["marketer"])
    with pytest.raises(ValidationError) as info:
        services.interaction_assign(actor=users["manager"], interaction=item, assignee=outsider)

    item.refresh_from_db()
    assert item.assignee == users["marketer"]
    assert info.value.message_dict == {"assignee": ["Choose a member of the interaction's team."]}


def test_an_assignment_is_cleared_with_none(item, users):
    services.interaction_assign(actor=users["manager"], interaction=item, assignee=users["marketer"])
    services.interaction_assign(actor=users["manager"], interaction=item, assignee=None)

    item.refresh_from_db()
    assert item.assignee is None


def test_priority_and_tags_are_cleaned(item, users):
    services.interaction_triage(actor=users["marketer"], interaction=item, priority="urgent",
                                tags=[" 售后 ", "售后", "物流", ""])

    item.refresh_from_db()
    assert (item.priority, item.tags) == ("urgent", ["售后", "物流"])


@pytest.mark.parametrize(("changes", "field"), [
    ({"priority": "asap"}, "priority"),
    ({"tags": [f"t{n}" for n in range(11)]}, "tags"),
    ({"tags": ["x" * 31]}, "tags"),
    ({"tags": "售后"}, "tags"),
])
def test_bad_triage_is_refused(item, users, changes, field):
    with pytest.raises(ValidationError) as info:
        services.interaction_triage(actor=users["marketer"], interaction=item, **changes)

    assert list(info.value.message_dict) == [field]


def test_a_note_is_kept_internal_and_audited(item, users):
    note = services.interaction_note_add(actor=users["marketer"], interaction=item, text="转客服")

    assert InteractionNote.objects.get() == note
    assert InteractionReply.objects.count() == 0
    assert AuditEvent.objects.filter(action="interaction.note").count() == 1


def test_an_empty_note_is_refused(item, users):
    with pytest.raises(ValidationError):
        services.interaction_note_add(actor=users["marketer"], interaction=item, text=" ")


PAIRS = [(a, b) for a in InteractionStatus.values for b in InteractionStatus.values if a != b]


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_every_status_pair_follows_the_declared_machine(weibo, users, source, target):
    item = InteractionFactory(account=weibo, status=source)
    declared = INTERACTION.move(source, target) is not None

    if declared:
        services.interaction_set_status(actor=users["marketer"], interaction=item, status=target)
        item.refresh_from_db()
        assert item.status == target
        assert (item.resolved_at is not None) == (target == InteractionStatus.RESOLVED)
    else:
        with pytest.raises(ValidationError):
            services.interaction_set_status(actor=users["marketer"], interaction=item,
                                            status=target)


def test_a_reviewer_may_not_resolve(item, users):
    with pytest.raises(PermissionDenied):
        services.interaction_set_status(actor=users["reviewer"], interaction=item,
                                        status=InteractionStatus.RESOLVED)


# --- the response policy and overdue ---------------------------------------------------------


def test_without_a_policy_the_first_response_is_due_two_working_hours_later(weibo, team):
    services.interactions_ingest(account=weibo, found=[_pulled("late-friday",
        datetime.datetime(2030, 1, 11, 9, 30, tzinfo=datetime.UTC))])  # Fri 17:30 Shanghai

    item = weibo.interactions.get()
    # 30 minutes on Friday, 90 on Monday from 09:00.
    assert item.response_due_at == datetime.datetime(2030, 1, 14, 2, 30, tzinfo=datetime.UTC)


def _pulled(external_id, at):
    from platforms.connectors import Interaction as Pulled

    return Pulled(external_id=external_id, kind="comment", text="你好", author="a", created_at=at)


def test_saving_a_policy_gives_open_items_new_deadlines(weibo, team, users):
    open_item = InteractionFactory(account=weibo, occurred_at=TUESDAY_10)
    answered = InteractionFactory(account=weibo, occurred_at=TUESDAY_10,
                                  first_response_at=TUESDAY_10, response_due_at=TUESDAY_10)

    services.response_policy_save(
        actor=users["manager"], team=team, first_response_minutes=30, working_days=[2, 3],
        work_starts=datetime.time(10), work_ends=datetime.time(12),
    )

    open_item.refresh_from_db()
    answered.refresh_from_db()
    assert open_item.response_due_at == TUESDAY_10 + datetime.timedelta(minutes=30)
    assert answered.response_due_at == TUESDAY_10
    assert ResponsePolicy.objects.get(team=team).working_days == [2, 3]


@pytest.mark.parametrize(("changes", "field"), [
    ({"first_response_minutes": 0}, "first_response_minutes"),
    ({"working_days": []}, "working_days"),
    ({"working_days": [0, 8]}, "working_days"),
    ({"work_ends": datetime.time(8)}, "work_ends"),
])
def test_a_bad_policy_is_refused(team, users, changes, field):
    values = {"first_response_minutes": 60, "working_days": [1, 2, 3, 4, 5],
              "work_starts": datetime.time(9), "work_ends": datetime.time(18), **changes}

    with pytest.raises(ValidationError) as info:
        services.response_policy_save(actor=users["manager"], team=team, **values)

    assert list(info.value.message_dict) == [field]
    assert ResponsePolicy.objects.count() == 0


def test_only_leads_set_the_response_policy(team, users):
    with pytest.raises(PermissionDenied):
        services.response_policy_save(
            actor=users["marketer"], team=team, first_response_minutes=60, working_days=[1],
            work_starts=datetime.time(9), work_ends=datetime.time(18),
        )


def test_overdue_items_are_counted_and_filtered(weibo, users):
    now = timezone.now()
    overdue = InteractionFactory(account=weibo, response_due_at=now - datetime.timedelta(minutes=1),
                                 sentiment_label="negative")
    InteractionFactory(account=weibo, response_due_at=now + datetime.timedelta(hours=1))
    InteractionFactory(account=weibo, response_due_at=now - datetime.timedelta(hours=1),
                       first_response_at=now)
    InteractionFactory(account=weibo, response_due_at=now - datetime.timedelta(hours=1),
                       status=InteractionStatus.RESOLVED)

    counts = selectors.inbox_counts(users["marketer"])
    rows = list(selectors.inbox(users["marketer"], selectors.InboxFilters(overdue=True)))

    assert (counts.open, counts.overdue, counts.negative_open) == (3, 1, 1)
    assert rows == [overdue]
    assert overdue.is_overdue is True


def test_another_teams_items_are_not_in_the_inbox(weibo, other_account, outsider, users):
    InteractionFactory(account=weibo)
    theirs = InteractionFactory(account=other_account)

    assert list(selectors.inbox(outsider, selectors.InboxFilters())) == [theirs]
    assert selectors.inbox_counts(outsider).open == 1


def test_the_inbox_filters_by_assignee_sentiment_kind_and_account(weibo, wechat, users):
    mine = InteractionFactory(account=weibo, assignee=users["marketer"])
    negative = InteractionFactory(account=wechat, sentiment_label="negative", kind="message")
    user = users["manager"]

    def ids(**filters):
        return {i.pk for i in selectors.inbox(user, selectors.InboxFilters(**filters))}

    assert ids(assignee=users["marketer"].pk) == {mine.pk}
    assert ids(assignee=0) == {negative.pk}
    assert ids(sentiment="negative") == {negative.pk}
    assert ids(kind="message") == {negative.pk}
    assert ids(account=weibo.pk) == {mine.pk}


def test_a_member_of_another_team_is_not_assignable(item, users):
    stranger = member(item.team.__class__.objects.create(name="Third", slug="third"), "marketer")

    assert stranger not in selectors.assignable_members(item)
    assert users["marketer"] in selectors.assignable_members(item)
