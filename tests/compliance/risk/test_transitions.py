"""The incident machine: every (from, to) pair, for every role and the system; closing's rule."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from compliance.risk.models import Incident, IncidentStatus, IncidentUpdate
from compliance.risk.selectors import incident_next_statuses
from compliance.risk.services import incident_open, incident_set_status, incident_step_set_done
from compliance.risk.transitions import INCIDENT_MACHINE
from teams.models import AuditEvent
from teams.roles import Role
from tests.compliance.risk.factories import EmergencyPlanFactory, EmergencyPlanStepFactory

S = IncidentStatus
LEGAL = {
    (S.OPEN, S.IN_PROGRESS), (S.OPEN, S.RESOLVED), (S.OPEN, S.CLOSED),
    (S.IN_PROGRESS, S.RESOLVED), (S.IN_PROGRESS, S.CLOSED),
    (S.RESOLVED, S.IN_PROGRESS), (S.RESOLVED, S.CLOSED),
}
MANAGERS = {Role.ADMIN, Role.MANAGER, Role.MARKETER, Role.REVIEWER}  # incident.manage
PAIRS = list(itertools.product(S.values, S.values))
ACTORS = [*Role.values, "system"]


def _incident(team, users, status=S.OPEN, **kwargs):
    incident = incident_open(actor=users["manager"], team=team, incident_type="other",
                             title="账号异常", **kwargs)
    Incident.objects.filter(pk=incident.pk).update(status=status)
    return Incident.objects.get(pk=incident.pk)


def _with_open_steps(team, users, status=S.OPEN, steps=3):
    plan = EmergencyPlanFactory(team=team, incident_type="account_banned")
    for n in range(steps):
        EmergencyPlanStepFactory(plan=plan, order=n + 1, title=f"步骤{n + 1}")
    incident = incident_open(actor=users["manager"], team=team, incident_type="account_banned",
                             title="账号被封")
    Incident.objects.filter(pk=incident.pk).update(status=status)
    return Incident.objects.get(pk=incident.pk)


def test_the_declared_moves_are_exactly_the_legal_ones():
    assert set(INCIDENT_MACHINE.moves) == LEGAL
    assert all(move.capability == "incident.manage" for move in INCIDENT_MACHINE.moves.values())
    assert not any(move.automatic for move in INCIDENT_MACHINE.moves.values())


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_every_pair_for_every_actor(team, users, actor_name, source, target):
    incident = _incident(team, users, source)
    actor = None if actor_name == "system" else users[actor_name]
    if actor_name != "system" and actor_name not in MANAGERS:
        expected = PermissionDenied
    elif (source, target) not in LEGAL:
        expected = ValidationError
    elif actor_name == "system":
        expected = PermissionDenied  # jobs open incidents but never move them
    else:
        expected = None
    updates = incident.updates.count()

    if expected is None:
        incident_set_status(actor=actor, incident=incident, status=target)
        incident.refresh_from_db()
        assert incident.status == target
        assert (incident.resolved_at is not None) is (target in (S.RESOLVED, S.CLOSED))
        assert incident.updates.count() == updates + 1
        assert AuditEvent.objects.filter(action="incident.status").count() == 1
        return
    with pytest.raises(expected) as exc:
        incident_set_status(actor=actor, incident=incident, status=target)
    if expected is ValidationError:
        assert set(exc.value.message_dict) == {"status"}
    assert Incident.objects.get(pk=incident.pk).status == source
    assert incident.updates.count() == updates
    assert not AuditEvent.objects.filter(action="incident.status").exists()


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("source", S.values)
def test_offered_moves_are_the_legal_ones_the_role_may_make(team, users, role, source):
    incident = _incident(team, users, source)
    expected = {t for s, t in LEGAL if s == source} if role in MANAGERS else set()
    assert set(incident_next_statuses(users[role], incident)) == expected


def test_the_reported_incident_walk_is_refused(team, users):
    # 待处理 → 已关闭 with 4 of 5 steps open, then 已关闭 → 已解决.
    incident = _with_open_steps(team, users, steps=5)
    incident_step_set_done(actor=users["manager"], step=incident.steps.first(), done=True)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        incident_set_status(actor=users["manager"], incident=incident, status=S.CLOSED)
    assert exc.value.message_dict == {
        "note": ["清单中还有 4 个步骤未完成：请完成它们，或写明仍要关闭事件的原因。"]}
    incident_set_status(actor=users["manager"], incident=incident, status=S.CLOSED,
                        note="平台已恢复账号，其余步骤不再需要")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        incident_set_status(actor=users["manager"], incident=incident, status=S.RESOLVED)
    assert exc.value.message_dict == {"status": ["状态不能从“已关闭”变为“已解决”。"]}
    assert Incident.objects.get(pk=incident.pk).status == S.CLOSED


def test_closing_with_open_steps_and_no_reason_changes_nothing(team, users):
    incident = _with_open_steps(team, users, status=S.IN_PROGRESS)
    with pytest.raises(ValidationError) as exc:
        incident_set_status(actor=users["marketer"], incident=incident, status=S.CLOSED,
                            note="   ")
    assert set(exc.value.message_dict) == {"note"}
    assert Incident.objects.get(pk=incident.pk).status == S.IN_PROGRESS
    assert not IncidentUpdate.objects.filter(incident=incident, kind="status").exists()
    assert not AuditEvent.objects.filter(action="incident.status").exists()


def test_closing_with_open_steps_keeps_the_written_reason_in_the_audit(team, users):
    incident = _with_open_steps(team, users)
    incident_set_status(actor=users["reviewer"], incident=incident, status=S.CLOSED,
                        note="误报：评论来自测试账号")
    event = AuditEvent.objects.get(action="incident.status")
    assert event.reason == "误报：评论来自测试账号"
    assert event.data == {"from": "open", "to": "closed", "open_steps": 3}
    assert incident.updates.get(kind="status").message == "误报：评论来自测试账号"


def test_closing_with_every_step_done_needs_no_reason(team, users):
    incident = _with_open_steps(team, users, status=S.RESOLVED)
    for step in incident.steps.all():
        incident_step_set_done(actor=users["manager"], step=step, done=True)
    incident_set_status(actor=users["manager"], incident=incident, status=S.CLOSED)
    assert Incident.objects.get(pk=incident.pk).status == S.CLOSED
    assert AuditEvent.objects.get(action="incident.status").data["open_steps"] == 0


def test_a_stale_copy_cannot_move_a_closed_incident(team, users):
    incident = _incident(team, users)
    stale = Incident.objects.get(pk=incident.pk)
    incident_set_status(actor=users["manager"], incident=incident, status=S.CLOSED)
    with pytest.raises(ValidationError):
        incident_set_status(actor=users["manager"], incident=stale, status=S.RESOLVED)
    assert Incident.objects.get(pk=incident.pk).status == S.CLOSED


# --- the doors offer and refuse the same moves ---------------------------------------

def _options(html):
    form = html.split('data-testid="incident-status-form"', 1)
    if len(form) == 1:
        return None
    select = form[1].split('name="status"', 1)[1].split("</select>", 1)[0]
    return [part.split('"', 1)[0] for part in select.split('value="')[1:]]


@pytest.mark.parametrize(("status", "offered"), [
    (S.OPEN, ["in_progress", "resolved", "closed"]),
    (S.IN_PROGRESS, ["resolved", "closed"]),
    (S.RESOLVED, ["in_progress", "closed"]),
    (S.CLOSED, None),
])
def test_page_offers_only_the_legal_moves(team, users, client_as, status, offered):
    incident = _incident(team, users, status)
    html = client_as(users["marketer"]).get(f"/compliance/incidents/{incident.pk}/").content
    assert _options(html.decode()) == offered


def test_page_offers_no_moves_to_analysts(team, users, client_as):
    incident = _incident(team, users)
    html = client_as(users["analyst"]).get(f"/compliance/incidents/{incident.pk}/").content
    assert _options(html.decode()) is None


@pytest.mark.parametrize(("role", "offered"), [
    ("marketer", ["in_progress", "resolved", "closed"]), ("analyst", []),
])
def test_api_detail_offers_the_moves_the_reader_may_make(team, users, api_as, role, offered):
    incident = _incident(team, users)
    body = api_as(users[role]).get(f"/api/v1/compliance/incidents/{incident.pk}/").json()
    assert body["next_statuses"] == offered


def test_page_refuses_closing_with_open_steps_under_the_note(team, users, client_as):
    incident = _with_open_steps(team, users)
    client = client_as(users["manager"])
    response = client.post(f"/compliance/incidents/{incident.pk}/status/", {"status": "closed"})
    assert response.status_code == 400
    assert response.context["status_form"].errors == {
        "note": ["清单中还有 3 个步骤未完成：请完成它们，或写明仍要关闭事件的原因。"]}
    assert Incident.objects.get(pk=incident.pk).status == S.OPEN
    closed = client.post(f"/compliance/incidents/{incident.pk}/status/",
                         {"status": "closed", "note": "误报"})
    assert closed.status_code == 302
    assert Incident.objects.get(pk=incident.pk).status == S.CLOSED


def test_page_refuses_an_illegal_move_with_the_reason(team, users, client_as):
    incident = _incident(team, users, S.CLOSED)
    response = client_as(users["manager"]).post(
        f"/compliance/incidents/{incident.pk}/status/", {"status": "resolved"})
    assert response.status_code == 400
    assert "状态不能从“已关闭”变为“已解决”。" in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).status == S.CLOSED


def test_api_refuses_closing_with_open_steps_and_an_illegal_move(team, users, api_as):
    incident = _with_open_steps(team, users)
    client = api_as(users["manager"])
    url = f"/api/v1/compliance/incidents/{incident.pk}/status/"
    refused = client.post(url, {"status": "closed"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert refused.json() == {"note": [
        "Checklist steps still open: 3. Finish them, or write why the incident closes anyway."]}
    assert client.post(url, {"status": "closed", "note": "误报"}, format="json").json() == {
        "id": incident.pk, "status": "closed"}
    again = client.post(url, {"status": "resolved"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400
    assert again.json() == {"status": ["The status cannot go from “Closed” to “Resolved”."]}
    analyst = api_as(users["analyst"]).post(url, {"status": "in_progress"}, format="json")
    assert analyst.status_code == 403
