"""Every (from, to) pair of the CONTENT machine, for each role and for the system (jobs)."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns.content.models import ContentStatus as S
from campaigns.content.services import content_item_move
from campaigns.content.transitions import CONTENT
from teams.roles import Role

from .factories import item_for

EDIT, REVIEW, PUBLISH, JOB = "content.edit", "content.review", "content.publish", "job"

# Written out by hand from the review and publishing flow, so a change
# to the machine has to be made here too.
EXPECTED = {
    (S.DRAFT, S.IN_REVIEW): EDIT,
    (S.IN_REVIEW, S.DRAFT): EDIT,
    (S.IN_REVIEW, S.APPROVED): REVIEW,
    (S.IN_REVIEW, S.CHANGES_REQUESTED): REVIEW,
    (S.CHANGES_REQUESTED, S.IN_REVIEW): EDIT,
    (S.CHANGES_REQUESTED, S.DRAFT): EDIT,
    (S.APPROVED, S.DRAFT): EDIT,
    (S.APPROVED, S.SCHEDULED): PUBLISH,
    (S.SCHEDULED, S.APPROVED): (PUBLISH, JOB),
    (S.SCHEDULED, S.PUBLISHING): JOB,
    (S.PUBLISHING, S.PUBLISHED): JOB,
    (S.PUBLISHING, S.FAILED): JOB,
    (S.PUBLISHING, S.UNKNOWN): JOB,
    (S.UNKNOWN, S.PUBLISHED): JOB,
    (S.UNKNOWN, S.FAILED): JOB,
    (S.FAILED, S.PUBLISHED): JOB,
    (S.FAILED, S.APPROVED): (PUBLISH, JOB),
    (S.FAILED, S.SCHEDULED): PUBLISH,
    (S.UNKNOWN, S.SCHEDULED): PUBLISH,
    (S.DRAFT, S.EXPIRED): JOB,
    (S.IN_REVIEW, S.EXPIRED): JOB,
    (S.CHANGES_REQUESTED, S.EXPIRED): JOB,
    (S.EXPIRED, S.DRAFT): EDIT,
    (S.DRAFT, S.WITHDRAWN): EDIT,
    (S.IN_REVIEW, S.WITHDRAWN): EDIT,
    (S.CHANGES_REQUESTED, S.WITHDRAWN): EDIT,
    (S.APPROVED, S.WITHDRAWN): EDIT,
    (S.SCHEDULED, S.WITHDRAWN): PUBLISH,
    (S.FAILED, S.WITHDRAWN): EDIT,
    (S.EXPIRED, S.WITHDRAWN): EDIT,
}
HOLDERS = {
    EDIT: {Role.ADMIN, Role.MANAGER, Role.MARKETER},
    REVIEW: {Role.ADMIN, Role.MANAGER, Role.REVIEWER},
    PUBLISH: {Role.ADMIN, Role.MANAGER, Role.MARKETER},
    JOB: set(),
}
ACTORS = [*Role.values, "system"]
# Submitting and reviewing have services of their own (checker, checklist).
DEDICATED = {
    (S.DRAFT, S.IN_REVIEW), (S.CHANGES_REQUESTED, S.IN_REVIEW),
    (S.IN_REVIEW, S.APPROVED), (S.IN_REVIEW, S.CHANGES_REQUESTED),
}


def outcome(frm: str, to: str, actor: str) -> str:
    need = EXPECTED.get((frm, to))
    if need is None:
        return "invalid"
    needs = need if isinstance(need, tuple) else (need,)
    if actor == "system":
        return "ok" if JOB in needs else "denied"
    return "ok" if any(actor in HOLDERS[n] for n in needs) else "denied"


def _declared(move) -> str | tuple[str, str]:
    if move.capability and move.automatic:
        return (move.capability, JOB)
    return move.capability or JOB


def test_the_machine_declares_exactly_the_expected_moves():
    assert {pair: _declared(m) for pair, m in CONTENT.moves.items()} == EXPECTED


@pytest.mark.parametrize(
    ("frm", "to", "actor"),
    [(f, t, a) for f, t in itertools.product(S.values, S.values) if f != t for a in ACTORS],
)
def test_every_pair_for_every_actor(users, team, frm, to, actor):
    expected = outcome(frm, to, actor)
    user = None if actor == "system" else users[actor]

    if expected == "ok":
        assert CONTENT.check(actor=user, team=team, source=frm, target=to).target == to
    elif expected == "denied":
        with pytest.raises(PermissionDenied):
            CONTENT.check(actor=user, team=team, source=frm, target=to)
    else:
        with pytest.raises(ValidationError):
            CONTENT.check(actor=user, team=team, source=frm, target=to)


@pytest.mark.parametrize(
    ("frm", "to", "actor"),
    [(f, t, a) for (f, t) in EXPECTED if (f, t) not in DEDICATED for a in ACTORS],
)
def test_the_move_service_obeys_the_table(users, campaign, weibo, frm, to, actor):
    item = item_for(campaign, [weibo], status=frm)
    user = None if actor == "system" else users[actor]

    if outcome(frm, to, actor) == "ok":
        assert content_item_move(actor=user, item=item, to=to).status == to
    else:
        with pytest.raises(PermissionDenied):
            content_item_move(actor=user, item=item, to=to)
        item.refresh_from_db()
        assert item.status == frm


def test_an_undeclared_move_is_refused_by_the_service(users, campaign, weibo):
    item = item_for(campaign, [weibo], status=S.PUBLISHED)

    with pytest.raises(ValidationError) as exc:
        content_item_move(actor=users["admin"], item=item, to=S.DRAFT)

    assert exc.value.message_dict == {
        "status": ["The status cannot go from “Published” to “Draft”."]
    }


def test_a_person_is_refused_a_move_from_a_status_that_changed_meanwhile(users, campaign, weibo):
    item = item_for(campaign, [weibo], status=S.APPROVED)

    with pytest.raises(ValidationError) as exc:
        content_item_move(actor=users["marketer"], item=item, to=S.WITHDRAWN,
                          expected_from=S.SCHEDULED)

    assert list(exc.value.message_dict) == ["status"]
