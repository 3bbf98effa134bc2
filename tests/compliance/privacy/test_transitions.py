"""The data-subject request machine: every (from, to) pair, for every role and the system."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from compliance.privacy.models import DataSubjectRequest, DSRStatus
from compliance.privacy.selectors import dsr_next_statuses
from compliance.privacy.services import dsr_set_status
from compliance.privacy.transitions import DSR_MACHINE
from teams.models import AuditEvent
from teams.roles import Role
from tests.compliance.privacy.factories import DataSubjectRequestFactory

LEGAL = {
    (DSRStatus.RECEIVED, DSRStatus.IN_PROGRESS),
    (DSRStatus.RECEIVED, DSRStatus.COMPLETED),
    (DSRStatus.RECEIVED, DSRStatus.REFUSED),
    (DSRStatus.IN_PROGRESS, DSRStatus.COMPLETED),
    (DSRStatus.IN_PROGRESS, DSRStatus.REFUSED),
}
EDITORS = {Role.ADMIN, Role.MANAGER, Role.REVIEWER}  # privacy.edit
PAIRS = list(itertools.product(DSRStatus.values, DSRStatus.values))
ACTORS = [*Role.values, "system"]


def test_the_declared_moves_are_exactly_the_legal_ones():
    assert set(DSR_MACHINE.moves) == LEGAL
    assert all(move.capability == "privacy.edit" for move in DSR_MACHINE.moves.values())
    assert not any(move.automatic for move in DSR_MACHINE.moves.values())


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_every_pair_for_every_actor(team, users, actor_name, source, target):
    dsr = DataSubjectRequestFactory(team=team, status=source)
    actor = None if actor_name == "system" else users[actor_name]
    reason = "无法核实身份" if target == DSRStatus.REFUSED else ""

    if actor_name != "system" and actor_name not in EDITORS:
        expected = PermissionDenied
    elif (source, target) not in LEGAL:
        expected = ValidationError
    elif actor_name == "system":
        expected = PermissionDenied  # no job may answer a request
    else:
        expected = None

    if expected is None:
        dsr_set_status(actor=actor, request=dsr, status=target, refusal_reason=reason)
        dsr.refresh_from_db()
        assert dsr.status == target
        assert AuditEvent.objects.filter(action="privacy.dsr_status").count() == 1
        return
    with pytest.raises(expected) as exc:
        dsr_set_status(actor=actor, request=dsr, status=target, refusal_reason=reason)
    if expected is ValidationError:
        assert set(exc.value.message_dict) == {"status"}
    assert DataSubjectRequest.objects.get(pk=dsr.pk).status == source
    assert not AuditEvent.objects.filter(action="privacy.dsr_status").exists()


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("source", DSRStatus.values)
def test_offered_moves_are_the_legal_ones_the_role_may_make(team, users, role, source):
    dsr = DataSubjectRequestFactory(team=team, status=source)
    offered = dsr_next_statuses(users[role], dsr)
    expected = {t for s, t in LEGAL if s == source} if role in EDITORS else set()
    assert set(offered) == expected


@pytest.mark.parametrize("final", [DSRStatus.COMPLETED, DSRStatus.REFUSED])
def test_a_final_request_offers_no_move(team, users, final):
    dsr = DataSubjectRequestFactory(team=team, status=final)
    assert dsr_next_statuses(users["admin"], dsr) == []


def test_an_illegal_move_is_refused_in_the_readers_language(team, users):
    dsr = DataSubjectRequestFactory(team=team, status=DSRStatus.COMPLETED)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        dsr_set_status(actor=users["reviewer"], request=dsr, status=DSRStatus.IN_PROGRESS)
    assert exc.value.message_dict["status"] == ["状态不能从“已完成”变为“处理中”。"]


def test_refusing_without_a_reason_changes_nothing(team, users):
    dsr = DataSubjectRequestFactory(team=team)
    with pytest.raises(ValidationError) as exc:
        dsr_set_status(actor=users["reviewer"], request=dsr, status=DSRStatus.REFUSED,
                       refusal_reason="  ")
    assert set(exc.value.message_dict) == {"refusal_reason"}
    assert DataSubjectRequest.objects.get(pk=dsr.pk).status == DSRStatus.RECEIVED
