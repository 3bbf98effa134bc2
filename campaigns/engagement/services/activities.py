"""Polls and Q&A under content (S2.3.2(2)); lotteries live in ``lotteries``."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.planning.models import Campaign

from ..models import Interaction, Poll, PollOption, PollVote, Question
from ._common import REPLY, audit, require

MAX_OPTIONS = 20
MAX_TEXT = 5000


def _message() -> str:
    return _("You may not run activities for this team.")


# --- polls ---------------------------------------------------------------------------


def poll_create(
    *, actor: User, campaign: Campaign, title: str, options: list[str],
    opens_at: datetime.datetime | None, closes_at: datetime.datetime | None, item=None,
) -> Poll:
    """A poll with two or more distinct options and its voting period."""
    require(actor, campaign.team_id, REPLY, _message())
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Ask the question.")
    labels = [str(o).strip() for o in options or [] if str(o).strip()]
    if len(labels) < 2:
        errors["options"] = _("Give at least two options.")
    elif len(labels) > MAX_OPTIONS:
        errors["options"] = _("At most %(count)s options.") % {"count": MAX_OPTIONS}
    elif len(set(labels)) != len(labels) or any(len(label) > 200 for label in labels):
        errors["options"] = _("Each option must be different and at most 200 characters.")
    if opens_at is None:
        errors["opens_at"] = _("State when voting opens.")
    if closes_at is None:
        errors["closes_at"] = _("State when voting closes.")
    elif opens_at is not None and closes_at <= opens_at:
        errors["closes_at"] = _("Voting must close after it opens.")
    if item is not None and item.campaign_id != campaign.pk:
        errors["item"] = _("Choose content of the poll's campaign.")
    if errors:
        raise ValidationError(errors)
    # Missing times are field errors above.
    assert opens_at is not None
    assert closes_at is not None
    with transaction.atomic():
        poll = Poll.objects.create(
            team_id=campaign.team_id, campaign=campaign, item=item, title=title[:200],
            opens_at=opens_at, closes_at=closes_at,
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, label=label, order=n) for n, label in enumerate(labels)
        )
        audit(actor, "poll.create", gettext_noop("Poll “%(title)s” created"), poll, title=poll.title)
    return poll


def poll_vote(
    *, actor: User, poll: Poll, option: PollOption, participant_ref: str,
    now: datetime.datetime | None = None,
) -> PollVote:
    """Record one participant's vote: one each (the unique key), only while voting is open."""
    require(actor, poll.team_id, REPLY, _message())
    now = now or timezone.now()
    participant_ref = (participant_ref or "").strip()
    if not participant_ref or len(participant_ref) > 200:
        raise ValidationError({"participant": _("Name the participant (their platform id).")})
    if option.poll_id != poll.pk:
        raise ValidationError({"option": _("Choose one of this poll's options.")})
    if now < poll.opens_at:
        raise ValidationError({"option": _("Voting has not opened yet.")})
    if now >= poll.closes_at:
        raise ValidationError({"option": _("Voting has closed.")})
    try:
        with transaction.atomic():
            vote = PollVote.objects.create(poll=poll, option=option, participant_ref=participant_ref)
    except IntegrityError as exc:
        raise ValidationError({"participant": _("This participant has already voted.")}) from exc
    return vote


def poll_close(
    *, actor: User, poll: Poll, now: datetime.datetime | None = None
) -> Poll:
    """End voting now (before the stated close); later votes are refused."""
    require(actor, poll.team_id, REPLY, _message())
    now = now or timezone.now()
    if now >= poll.closes_at:
        raise ValidationError({"closes_at": _("Voting has closed.")})
    if now <= poll.opens_at:
        raise ValidationError({"closes_at": _("Voting has not opened yet.")})
    with transaction.atomic():
        poll.closes_at = now
        poll.save(update_fields=["closes_at"])
        audit(actor, "poll.close", gettext_noop("Poll closed early"), poll)
    return poll


# --- Q&A --------------------------------------------------------------------------------


def question_create(
    *, actor: User, item, question: str, asked_by: str = "",
    interaction: Interaction | None = None,
) -> Question:
    """A question asked under a content item (typed in, or taken from a comment)."""
    require(actor, item.team_id, REPLY, _message())
    if interaction is not None and interaction.team_id != item.team_id:
        raise ValidationError({"interaction": _("Choose an interaction of the content's team.")})
    text = (question or (interaction.text if interaction else "") or "").strip()
    if not text:
        raise ValidationError({"question": _("Write the question.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"question": _("At most %(count)s characters.") % {"count": MAX_TEXT}})
    asked = (asked_by or (interaction.author_name if interaction else "") or "").strip()[:120]
    with transaction.atomic():
        found = Question.objects.create(
            team_id=item.team_id, item=item, interaction=interaction, asked_by=asked,
            question=text,
        )
        audit(actor, "question.create", gettext_noop("Question recorded"), found)
    return found


def question_answer(
    *, actor: User, question: Question, answer: str, publish: bool = False
) -> Question:
    """The team's answer; ``publish`` shows it with the content."""
    require(actor, question.team_id, REPLY, _message())
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    if len(answer) > MAX_TEXT:
        raise ValidationError({"answer": _("At most %(count)s characters.") % {"count": MAX_TEXT}})
    with transaction.atomic():
        question.answer, question.answered_by = answer, actor
        question.answered_at, question.is_published = timezone.now(), bool(publish)
        question.save(update_fields=["answer", "answered_by", "answered_at", "is_published"])
        audit(actor, "question.answer", gettext_noop("Question answered"), question)
    return question

