"""Account verification moves: every (from, to) pair, for every role and for the system."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from platforms.models import VerificationStatus as S
from platforms.services import account_set_verification
from platforms.transitions import verification_machine
from teams.models import AuditEvent
from teams.roles import Role
from teams.transitions import SYSTEM

from .factories import qualified_account

pytestmark = pytest.mark.django_db

EDIT, VERIFY = "platform_account.edit", "platform_account.verify"
# The legal moves, written out independently of platforms/transitions.py.
LEGAL = {
    (S.UNVERIFIED, S.PENDING): EDIT,
    (S.REJECTED, S.PENDING): EDIT,
    (S.EXPIRED, S.PENDING): EDIT,
    (S.PENDING, S.VERIFIED): VERIFY,
    (S.PENDING, S.REJECTED): VERIFY,
    (S.UNVERIFIED, S.VERIFIED): VERIFY,
    (S.VERIFIED, S.VERIFIED): VERIFY,
    (S.EXPIRED, S.VERIFIED): VERIFY,
    (S.VERIFIED, S.REJECTED): VERIFY,
    (S.VERIFIED, S.EXPIRED): VERIFY,
}
AUTOMATIC = {(S.VERIFIED, S.EXPIRED)}
HOLDERS = {
    EDIT: {Role.ADMIN, Role.MANAGER, Role.MARKETER},
    VERIFY: {Role.ADMIN, Role.MANAGER},
}
PAIRS = list(itertools.product(S.values, S.values))
ACTORS = [*Role.values, "system"]


def expected(actor: str, source: str, target: str) -> str:
    move = (source, target)
    if move not in LEGAL:
        return "illegal"
    if actor == "system":
        return "ok" if move in AUTOMATIC else "forbidden"
    return "ok" if actor in HOLDERS[LEGAL[move]] else "forbidden"


def test_the_machine_declares_exactly_the_legal_moves():
    declared = {
        pair: move.capability for pair, move in verification_machine.moves.items()
    }
    assert declared == LEGAL
    automatic = {pair for pair, move in verification_machine.moves.items() if move.automatic}
    assert automatic == AUTOMATIC


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_every_move_for_every_role_and_the_system(team, users, actor, source, target):
    account = qualified_account(team, verification_status=source, verified_on=None)
    before = AuditEvent.objects.count()
    who = SYSTEM if actor == "system" else users[actor]
    outcome = expected(actor, source, target)

    if outcome == "ok":
        account_set_verification(actor=who, account=account, status=target)
        account.refresh_from_db()
        assert account.verification_status == target
        assert AuditEvent.objects.count() == before + 1
        if target == S.VERIFIED:
            assert account.verified_on == timezone.localdate()
        return

    error = ValidationError if outcome == "illegal" else PermissionDenied
    with pytest.raises(error) as info:
        account_set_verification(actor=who, account=account, status=target)
    if outcome == "illegal":
        assert list(info.value.message_dict) == ["verification_status"]
    account.refresh_from_db()
    assert account.verification_status == source
    assert account.verified_on is None
    assert AuditEvent.objects.count() == before


def test_an_unknown_status_is_a_field_error(team, users):
    account = qualified_account(team, verification_status=S.PENDING)
    with pytest.raises(ValidationError) as info:
        account_set_verification(actor=users["manager"], account=account, status="approved")
    assert list(info.value.message_dict) == ["verification_status"]


def test_an_illegal_move_is_refused_with_a_translated_reason(team, users):
    account = qualified_account(team, verification_status=S.REJECTED)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        account_set_verification(actor=users["manager"], account=account, status=S.VERIFIED)
    assert info.value.message_dict == {"verification_status": ["状态不能从“已驳回”变为“已认证”。"]}


def test_a_role_without_the_capability_is_told_why_in_its_language(team, users):
    account = qualified_account(team, verification_status=S.PENDING)
    with translation.override("zh-hans"), pytest.raises(PermissionDenied) as info:
        account_set_verification(actor=users["marketer"], account=account, status=S.VERIFIED)
    assert str(info.value) == "您的角色无权将状态改为“已认证”。"


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("source", S.values)
def test_the_account_page_offers_exactly_the_moves_the_role_may_make(
    client_as, team, users, role, source
):
    account = qualified_account(team, verification_status=source)
    response = client_as(users[role]).get(reverse("platforms:account_detail", args=[account.pk]))
    offered = [value for value, _label in response.context["verification_targets"]]
    assert set(offered) == {
        target for target in S.values if expected(role, source, target) == "ok"
    }
    page = response.content.decode()
    assert ('data-testid="verification-form"' in page) is bool(offered)


def test_page_refuses_an_illegal_move_and_changes_nothing(client_as, team, users):
    account = qualified_account(team, verification_status=S.REJECTED)
    response = client_as(users["manager"]).post(
        reverse("platforms:account_verify", args=[account.pk]),
        {"verification_status": S.VERIFIED}, HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert response.context["verification_form"].errors["verification_status"] == [
        "状态不能从“已驳回”变为“已认证”。"
    ]
    account.refresh_from_db()
    assert account.verification_status == S.REJECTED


def test_api_refuses_an_illegal_move_and_changes_nothing(api_as, team, users):
    account = qualified_account(team, verification_status=S.REJECTED)
    response = api_as(users["manager"]).post(
        f"/api/v1/platform-accounts/{account.pk}/verification/",
        {"verification_status": S.VERIFIED}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert response.json() == {"verification_status": ["状态不能从“已驳回”变为“已认证”。"]}
    account.refresh_from_db()
    assert account.verification_status == S.REJECTED


def test_page_and_api_let_a_marketer_submit_for_review_but_not_verify(
    client_as, api_as, team, users
):
    account = qualified_account(team, verification_status=S.UNVERIFIED)
    submitted = client_as(users["marketer"]).post(
        reverse("platforms:account_verify", args=[account.pk]),
        {"verification_status": S.PENDING},
    )
    assert submitted.status_code == 302
    account.refresh_from_db()
    assert account.verification_status == S.PENDING
    refused = api_as(users["marketer"]).post(
        f"/api/v1/platform-accounts/{account.pk}/verification/",
        {"verification_status": S.VERIFIED}, format="json",
    )
    assert refused.status_code == 403
    account.refresh_from_db()
    assert account.verification_status == S.PENDING


def test_dates_are_recorded_only_with_a_move_to_verified(team, users):
    account = qualified_account(
        team, verification_status=S.UNVERIFIED, verified_on=None,
        certification_expires_on=None,
    )
    later = timezone.localdate() + datetime.timedelta(days=365)
    account_set_verification(
        actor=users["marketer"], account=account, status=S.PENDING,
        certification_expires_on=later,
    )
    account.refresh_from_db()
    assert (account.verified_on, account.certification_expires_on) == (None, None)
    account_set_verification(
        actor=users["manager"], account=account, status=S.VERIFIED,
        certification_expires_on=later,
    )
    account.refresh_from_db()
    assert (account.verified_on, account.certification_expires_on) == (
        timezone.localdate(), later
    )
