"""Polls (one vote per participant, only while open) and Q&A under content."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaigns.engagement import selectors, services
from campaigns.engagement.models import PollVote, Question
from tests.campaigns.content.factories import item_for

from .factories import InteractionFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def poll(campaign, users):
    return services.poll_create(
        actor=users["marketer"], campaign=campaign, title="Which flavour?",
        options=["Matcha", " Yuzu ", "", "Sakura"], opens_at=NOW - datetime.timedelta(hours=1),
        closes_at=NOW + datetime.timedelta(days=1),
    )


def test_a_poll_keeps_its_options_in_order(poll):
    assert list(poll.options.values_list("label", "order")) == [
        ("Matcha", 0), ("Yuzu", 1), ("Sakura", 2)]


@pytest.mark.parametrize(("changes", "field"), [
    ({"options": ["Only one"]}, "options"),
    ({"options": ["Same", "Same"]}, "options"),
    ({"closes_at": NOW - datetime.timedelta(days=2)}, "closes_at"),
    ({"opens_at": None}, "opens_at"),
    ({"title": ""}, "title"),
])
def test_bad_polls_are_refused(campaign, users, changes, field):
    values = {"title": "Q", "options": ["A", "B"], "opens_at": NOW - datetime.timedelta(days=1),
              "closes_at": NOW + datetime.timedelta(days=1), **changes}

    with pytest.raises(ValidationError) as info:
        services.poll_create(actor=users["marketer"], campaign=campaign, **values)

    assert field in info.value.message_dict


def test_each_participant_votes_once(poll, users):
    matcha, yuzu, _ = poll.options.all()
    services.poll_vote(actor=users["marketer"], poll=poll, option=matcha, participant_ref="u-1")
    services.poll_vote(actor=users["marketer"], poll=poll, option=yuzu, participant_ref="u-2")

    with pytest.raises(ValidationError) as info:
        services.poll_vote(actor=users["marketer"], poll=poll, option=yuzu, participant_ref="u-1")

    counted = selectors.poll_get(users["marketer"], poll.pk)
    assert info.value.message_dict == {"participant": ["This participant has already voted."]}
    assert [(o.label, o.vote_count) for o in counted.options.all()] == [
        ("Matcha", 1), ("Yuzu", 1), ("Sakura", 0)]
    assert counted.vote_total == 2


def test_votes_after_close_or_before_opening_are_refused(poll, users):
    option = poll.options.first()

    with pytest.raises(ValidationError) as late:
        services.poll_vote(actor=users["marketer"], poll=poll, option=option,
                           participant_ref="u-1", now=poll.closes_at)
    with pytest.raises(ValidationError) as early:
        services.poll_vote(actor=users["marketer"], poll=poll, option=option,
                           participant_ref="u-1", now=poll.opens_at - datetime.timedelta(1))

    assert late.value.message_dict == {"option": ["Voting has closed."]}
    assert early.value.message_dict == {"option": ["Voting has not opened yet."]}
    assert PollVote.objects.count() == 0


def test_closing_early_refuses_later_votes(poll, users):
    services.poll_close(actor=users["marketer"], poll=poll)

    with pytest.raises(ValidationError):
        services.poll_vote(actor=users["marketer"], poll=poll, option=poll.options.first(),
                           participant_ref="u-9")


def test_an_option_of_another_poll_is_refused(poll, campaign, users):
    other = services.poll_create(actor=users["marketer"], campaign=campaign, title="Other",
                                 options=["A", "B"], opens_at=poll.opens_at,
                                 closes_at=poll.closes_at)

    with pytest.raises(ValidationError) as info:
        services.poll_vote(actor=users["marketer"], poll=poll, option=other.options.first(),
                           participant_ref="u-1")

    assert list(info.value.message_dict) == ["option"]


def test_a_reviewer_may_not_record_votes(poll, users):
    with pytest.raises(PermissionDenied):
        services.poll_vote(actor=users["reviewer"], poll=poll, option=poll.options.first(),
                           participant_ref="u-1")


def test_a_question_from_a_comment_keeps_its_author_and_gets_an_answer(campaign, users, weibo):
    item = item_for(campaign, [weibo])
    comment = InteractionFactory(account=weibo, text="请问什么时候补货？", author_name="晴天")

    question = services.question_create(actor=users["marketer"], item=item, question="",
                                        interaction=comment)
    services.question_answer(actor=users["marketer"], question=question, answer="下周一",
                             publish=True)

    question.refresh_from_db()
    assert (question.question, question.asked_by, question.interaction) == (
        "请问什么时候补货？", "晴天", comment)
    assert (question.answer, question.answered_by, question.is_published) == (
        "下周一", users["marketer"], True)


def test_a_question_needs_text_and_an_answer_needs_text(campaign, users, weibo):
    item = item_for(campaign, [weibo])

    with pytest.raises(ValidationError):
        services.question_create(actor=users["marketer"], item=item, question=" ")
    question = services.question_create(actor=users["marketer"], item=item, question="Q?")
    with pytest.raises(ValidationError):
        services.question_answer(actor=users["marketer"], question=question, answer="")

    assert Question.objects.count() == 1


def test_a_comment_of_another_team_cannot_become_a_question(campaign, users, weibo,
                                                            other_account):
    item = item_for(campaign, [weibo])
    foreign = InteractionFactory(account=other_account)

    with pytest.raises(ValidationError):
        services.question_create(actor=users["marketer"], item=item, question="",
                                 interaction=foreign)
