"""The campaign lifecycle: every (from, to) pair, for every role and for the date job."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from campaigns.planning import services
from campaigns.planning.models import Campaign, CampaignStatus
from campaigns.planning.transitions import CAMPAIGN_LIFECYCLE, next_step_by_dates
from teams.models import AuditEvent
from tests.campaigns.planning.factories import spec_example

pytestmark = pytest.mark.django_db

S = CampaignStatus
ROLES = ("admin", "manager", "marketer", "reviewer", "analyst")
LEADS = frozenset({"admin", "manager"})
EDITORS = frozenset({"admin", "manager", "marketer"})
SYSTEM = "system"  # the date job, actor=None

# (from, to) -> who may make the move: these roles, and the date job when it says so.
# Every pair not listed is no move at all.
LEGAL: dict[tuple[str, str], tuple[frozenset[str], bool]] = {
    (S.DRAFT, S.PLANNED): (LEADS, False),
    (S.DRAFT, S.CANCELLED): (EDITORS, False),
    (S.PLANNED, S.DRAFT): (LEADS, False),
    (S.PLANNED, S.IN_PRODUCTION): (LEADS, True),
    (S.PLANNED, S.RUNNING): (LEADS, True),
    (S.PLANNED, S.CANCELLED): (LEADS, False),
    (S.IN_PRODUCTION, S.RUNNING): (LEADS, True),
    (S.IN_PRODUCTION, S.PAUSED): (LEADS, False),
    (S.IN_PRODUCTION, S.CANCELLED): (LEADS, False),
    (S.RUNNING, S.PAUSED): (LEADS, False),
    (S.RUNNING, S.EVALUATING): (LEADS, True),
    (S.RUNNING, S.CANCELLED): (LEADS, False),
    (S.PAUSED, S.IN_PRODUCTION): (LEADS, False),
    (S.PAUSED, S.RUNNING): (LEADS, False),
    (S.PAUSED, S.CANCELLED): (LEADS, False),
    (S.EVALUATING, S.CLOSED): (LEADS, False),
}
EVERY_PAIR = [(source, target) for source in S for target in S]


def _expected(source: str, target: str) -> dict[str, str]:
    if (source, target) not in LEGAL:
        return dict.fromkeys((*ROLES, SYSTEM), "illegal")
    roles, automatic = LEGAL[(source, target)]
    outcome = {role: "moved" if role in roles else "forbidden" for role in ROLES}
    outcome[SYSTEM] = "moved" if automatic else "forbidden"
    return outcome


def _try(campaign: Campaign, actor, source: str, target: str) -> tuple[str, str]:
    """The outcome of one attempt, and the reason given when it was refused."""
    try:
        services.campaign_transition(
            actor=actor, campaign=campaign, to=target,
            expected_from=source if actor is None else None,
        )
    except ValidationError as exc:
        return "illegal", " ".join(exc.message_dict["to"])
    except PermissionDenied as exc:
        return "forbidden", str(exc)
    return "moved", ""


def test_the_declared_moves_are_exactly_the_legal_pairs():
    declared = {
        pair: (move.capability, move.automatic)
        for pair, move in CAMPAIGN_LIFECYCLE.moves.items()
    }
    assert set(declared) == set(LEGAL)
    assert {pair for pair, (_cap, automatic) in declared.items() if automatic} == {
        pair for pair, (_roles, automatic) in LEGAL.items() if automatic
    }


@pytest.mark.parametrize(("source", "target"), EVERY_PAIR, ids=lambda s: str(s))
def test_who_may_make_each_move(team, users, source, target):
    outcomes = {}
    for actor in (*ROLES, SYSTEM):
        campaign = spec_example(team, users["marketer"])  # passes SMART: approvable
        # Its start date has come, so the dates allow every move (test_lifecycle_dates.py).
        Campaign.objects.filter(pk=campaign.pk).update(
            status=source, start_date=timezone.localdate())
        campaign.refresh_from_db()

        outcome, reason = _try(campaign, None if actor == SYSTEM else users[actor],
                               source, target)

        outcomes[actor] = outcome
        campaign.refresh_from_db()
        moves = AuditEvent.objects.filter(action="campaign.transition",
                                          target_id=str(campaign.pk))
        if outcome == "moved":
            assert campaign.status == target
            assert list(moves.values_list("data", flat=True)) == [
                {"from": source, "to": target}
            ]
        else:
            assert campaign.status == source, actor
            assert not moves.exists(), actor
        if outcome == "illegal":
            assert reason == (
                f"The status cannot go from “{S(source).label}” to “{S(target).label}”."
            )
    assert outcomes == _expected(source, target)


def test_an_illegal_move_is_refused_in_the_readers_language(team, users):
    campaign = spec_example(team, users["marketer"])

    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.campaign_transition(actor=users["manager"], campaign=campaign, to=S.CLOSED)

    assert exc.value.message_dict == {"to": ["状态不能从“草稿”变为“已关闭”。"]}
    campaign.refresh_from_db()
    assert campaign.status == S.DRAFT


def test_a_role_without_the_capability_is_told_so(team, users):
    campaign = spec_example(team, users["marketer"])

    with pytest.raises(PermissionDenied) as exc:
        services.campaign_transition(actor=users["marketer"], campaign=campaign, to=S.PLANNED)

    assert str(exc.value) == "Your role may not change the status to “Planned”."


@pytest.mark.parametrize("source", list(S))
@pytest.mark.parametrize("role", ROLES)
def test_buttons_offer_exactly_the_moves_the_role_may_make(team, users, source, role):
    campaign = spec_example(team, users["marketer"])
    Campaign.objects.filter(pk=campaign.pk).update(status=source)
    campaign.refresh_from_db()

    offered = services.transitions_allowed(users[role], campaign)

    assert offered == [
        target for (frm, target), (roles, _auto) in LEGAL.items()
        if frm == source and role in roles
    ]


@pytest.mark.parametrize(("current", "wanted", "step"), [
    (S.PLANNED, S.PLANNED, None),
    (S.PLANNED, S.IN_PRODUCTION, S.IN_PRODUCTION),
    (S.PLANNED, S.RUNNING, S.RUNNING),
    (S.PLANNED, S.EVALUATING, S.RUNNING),
    (S.IN_PRODUCTION, S.RUNNING, S.RUNNING),
    (S.IN_PRODUCTION, S.EVALUATING, S.RUNNING),
    (S.IN_PRODUCTION, S.PLANNED, None),
    (S.RUNNING, S.EVALUATING, S.EVALUATING),
    (S.RUNNING, S.IN_PRODUCTION, None),
    (S.EVALUATING, S.EVALUATING, None),
    (S.PAUSED, S.EVALUATING, None),
    (S.DRAFT, S.RUNNING, None),
])
def test_the_date_job_steps_forward_only_by_automatic_moves(current, wanted, step):
    assert next_step_by_dates(current, wanted) == step
