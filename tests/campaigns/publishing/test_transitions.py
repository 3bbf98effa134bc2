"""The PUBLICATION machine: every (from, to) pair, for every role and for the job."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns.content.models import ContentStatus as C
from campaigns.publishing import services
from campaigns.publishing.models import PublicationStatus as P
from campaigns.publishing.transitions import PUBLICATION

from .factories import approved_item, attempt, in_minutes, publication

pytestmark = pytest.mark.django_db

ROLES = ("admin", "manager", "marketer", "reviewer", "analyst")
EDITORS = frozenset({"admin", "manager", "marketer"})
NOBODY = frozenset()
SYSTEM = "system"  # the publishing job, actor=None

# (from, to) -> (roles that may make it, whether the job may). Every other pair is no move.
LEGAL: dict[tuple[str, str], tuple[frozenset[str], bool]] = {
    (P.SCHEDULED, P.PUBLISHING): (NOBODY, True),
    (P.PUBLISHING, P.PUBLISHED): (NOBODY, True),
    (P.PUBLISHING, P.FAILED): (NOBODY, True),
    (P.PUBLISHING, P.UNKNOWN): (NOBODY, True),
    (P.PUBLISHING, P.SCHEDULED): (NOBODY, True),
    (P.UNKNOWN, P.PUBLISHED): (NOBODY, True),
    (P.UNKNOWN, P.FAILED): (NOBODY, True),
    (P.FAILED, P.SCHEDULED): (EDITORS, False),
    (P.UNKNOWN, P.SCHEDULED): (EDITORS, False),
    (P.SCHEDULED, P.CANCELLED): (EDITORS, True),
    (P.FAILED, P.CANCELLED): (EDITORS, True),
}
EVERY_PAIR = [(source, target) for source in P for target in P]


def _expected(source: str, target: str) -> dict[str, str]:
    if (source, target) not in LEGAL:
        return dict.fromkeys((*ROLES, SYSTEM), "illegal")
    roles, automatic = LEGAL[(source, target)]
    outcome = {role: "allowed" if role in roles else "forbidden" for role in ROLES}
    outcome[SYSTEM] = "allowed" if automatic else "forbidden"
    return outcome


def _check(actor, team, source, target) -> str:
    try:
        PUBLICATION.check(actor=actor, team=team, source=source, target=target)
    except ValidationError:
        return "illegal"
    except PermissionDenied:
        return "forbidden"
    return "allowed"


def test_the_declared_moves_are_exactly_the_legal_pairs():
    declared = {pair: move.automatic for pair, move in PUBLICATION.moves.items()}
    assert set(declared) == set(LEGAL)
    assert {pair for pair, automatic in declared.items() if automatic} == {
        pair for pair, (_roles, automatic) in LEGAL.items() if automatic
    }


@pytest.mark.parametrize(("source", "target"), EVERY_PAIR, ids=str)
def test_who_may_make_each_move(team, users, source, target):
    outcomes = {role: _check(users[role], team, source, target) for role in ROLES}
    outcomes[SYSTEM] = _check(None, team, source, target)

    assert outcomes == _expected(source, target)


def test_an_illegal_move_names_both_statuses(team, users):
    with pytest.raises(ValidationError) as exc:
        PUBLICATION.check(actor=users["admin"], team=team, source=P.PUBLISHED, target=P.SCHEDULED)

    assert exc.value.message_dict == {
        "status": ["The status cannot go from “Published” to “Scheduled”."]
    }


def test_a_marketer_of_another_team_may_make_no_move(team, outsider):
    assert _check(outsider, team, P.FAILED, P.SCHEDULED) == "forbidden"


# The person's moves through their services: the same table, through the real doors.


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("source", [P.SCHEDULED, P.FAILED])
def test_cancel_through_the_service_per_role(campaign, weibo, users, role, source):
    item = approved_item(campaign, [weibo], status=C.SCHEDULED if source == P.SCHEDULED else C.FAILED)
    pub = publication(item, weibo, status=source)

    try:
        services.publication_cancel(actor=users[role], publication=pub)
        outcome = "allowed"
    except PermissionDenied:
        outcome = "forbidden"

    pub.refresh_from_db()
    assert outcome == ("allowed" if role in EDITORS else "forbidden")
    assert pub.status == (P.CANCELLED if role in EDITORS else source)


@pytest.mark.parametrize("role", ROLES)
def test_retry_through_the_service_per_role(campaign, weibo, users, role):
    item = approved_item(campaign, [weibo], status=C.FAILED)
    pub = publication(item, weibo, status=P.FAILED, attempts=1, error_kind="permanent")
    attempt(pub, 1, outcome="failed", error_kind="permanent")

    try:
        services.publication_retry(
            actor=users[role], publication=pub, seen_attempt=1,
            at=in_minutes(60),
        )
        outcome = "allowed"
    except PermissionDenied:
        outcome = "forbidden"

    pub.refresh_from_db()
    assert outcome == ("allowed" if role in EDITORS else "forbidden")
    assert pub.status == (P.SCHEDULED if role in EDITORS else P.FAILED)


@pytest.mark.parametrize("source", [P.PUBLISHING, P.PUBLISHED, P.CANCELLED, P.UNKNOWN])
def test_cancel_of_what_may_have_gone_out_is_illegal(campaign, weibo, users, source):
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = publication(item, weibo, status=source, external_id="x" if source == P.PUBLISHED else "")

    with pytest.raises(ValidationError):
        services.publication_cancel(actor=users["admin"], publication=pub)

    pub.refresh_from_db()
    assert pub.status == source
