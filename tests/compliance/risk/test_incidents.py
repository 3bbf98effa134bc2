"""Incidents, emergency plans and drills: services, API, permissions (S3.2.3)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compliance.risk.models import Drill, EmergencyPlan, Incident, IncidentStep
from compliance.risk.services import (
    drill_create,
    drill_reminder_send,
    drill_run_record,
    emergency_plan_save,
    incident_open,
    incident_set_status,
    incident_step_set_done,
)
from teams.models import Task, TaskStatus, Team

STEPS = [
    {"title": "联系平台客服", "owner_role": "marketer", "due_offset_hours": 2},
    {"title": "了解封禁原因", "owner_role": "manager", "due_offset_hours": 8},
    {"title": "提交申诉材料", "owner_role": "reviewer", "due_offset_hours": 24},
]


@pytest.fixture
def plan(team, users):
    return emergency_plan_save(
        actor=users["manager"], team=team, incident_type="account_banned", name="账号封禁预案",
        holding_statements=[{"title": "对外口径", "body": "账号正在与平台沟通处理中。"}],
        steps=STEPS,
    )


def test_plan_save_requires_emergency_plan_edit(team, users):
    with pytest.raises(PermissionDenied):
        emergency_plan_save(actor=users["marketer"], team=team, incident_type="data_leak",
                            name="数据泄露", steps=[])
    with pytest.raises(ValidationError) as exc:
        emergency_plan_save(actor=users["admin"], team=team, incident_type="data_leak",
                            name="数据泄露", steps=[{"title": ""}])
    assert "steps" in exc.value.message_dict


def test_opening_an_incident_instantiates_the_checklist_and_tasks(team, users, plan):
    incident = incident_open(actor=users["marketer"], team=team, incident_type="account_banned",
                             title="抖音账号被封", severity="high", platform_code="douyin")
    steps = list(incident.steps.order_by("order"))
    assert [s.title for s in steps] == ["联系平台客服", "了解封禁原因", "提交申诉材料"]
    assert [s.owner.username for s in steps] == ["marketer", "manager", "reviewer"]
    assert steps[0].due_at < steps[1].due_at < steps[2].due_at
    tasks = Task.objects.filter(pk__in=[s.task_id for s in steps])
    assert sorted(t.owner.username for t in tasks) == ["manager", "marketer", "reviewer"]
    assert incident.plan == plan
    assert incident.updates.count() == 1


def test_step_done_closes_own_task_and_logs_timeline(team, users, plan):
    incident = incident_open(actor=users["marketer"], team=team, incident_type="account_banned",
                             title="账号被封")
    step = incident.steps.get(order=1)
    incident_step_set_done(actor=users["marketer"], step=step, done=True)
    step.refresh_from_db()
    assert step.done_by == users["marketer"]
    assert Task.objects.get(pk=step.task_id).status == TaskStatus.DONE
    assert incident.updates.filter(kind="step").count() == 1
    incident_step_set_done(actor=users["marketer"], step=step, done=False)
    assert Task.objects.get(pk=step.task_id).status == TaskStatus.OPEN


def test_analyst_cannot_manage_incidents(team, users, plan):
    with pytest.raises(PermissionDenied):
        incident_open(actor=users["analyst"], team=team, incident_type="account_banned",
                      title="x")
    incident = incident_open(actor=users["reviewer"], team=team,
                             incident_type="content_complaint", title="内容被投诉")
    with pytest.raises(PermissionDenied):
        incident_set_status(actor=users["analyst"], incident=incident, status="resolved")
    incident_set_status(actor=users["reviewer"], incident=incident, status="resolved", note="已处理")
    incident.refresh_from_db()
    assert incident.resolved_at is not None


def test_drill_reminder_creates_one_task_per_due_date(team, users, plan):
    today = timezone.localdate()
    drill = drill_create(actor=users["manager"], team=team, title="封号应急演练", plan=plan,
                         next_due=today, owner=users["reviewer"], interval_days=30)
    assert drill_reminder_send(drill=drill, today=today) is not None
    drill.refresh_from_db()
    assert drill_reminder_send(drill=drill, today=today) is None
    task = Task.objects.get(owner=users["reviewer"], title__contains="封号应急演练")
    assert task.due_date == today

    drill_run_record(actor=users["reviewer"], drill=drill, ran_on=today, log="按预案演练完毕",
                     lessons_learned="申诉材料模板需要更新")
    drill.refresh_from_db()
    assert drill.next_due == today + datetime.timedelta(days=30)
    assert drill.runs.get().lessons_learned == "申诉材料模板需要更新"
    with pytest.raises(ValidationError):
        drill_run_record(actor=users["reviewer"], drill=drill, ran_on=today, log=" ")


# --- API ----------------------------------------------------------------------

def test_api_incident_lifecycle(team, users, plan, api_as):
    client = api_as(users["marketer"])
    created = client.post("/api/v1/compliance/incidents/", {
        "team": team.pk, "title": "账号被限流", "incident_type": "account_banned",
        "severity": "high"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert len(body["steps"]) == 3
    pk = body["id"]
    step_id = body["steps"][0]["id"]
    assert client.post(f"/api/v1/compliance/incidents/{pk}/updates/",
                       {"message": "已联系平台"}, format="json").status_code == 201
    done = client.post(f"/api/v1/compliance/incidents/{pk}/steps/",
                       {"step": step_id, "done": True}, format="json")
    assert done.status_code == 200
    assert done.json()["done_at"] is not None
    status = client.post(f"/api/v1/compliance/incidents/{pk}/status/",
                         {"status": "resolved"}, format="json")
    assert status.json()["status"] == "resolved"
    detail = client.get(f"/api/v1/compliance/incidents/{pk}/").json()
    assert [u["kind"] for u in detail["updates"]] == ["system", "note", "step", "status"]


def test_api_incident_bad_input_and_cross_team(team, users, other_team, outsider, api_as):
    client = api_as(users["marketer"])
    bad = client.post("/api/v1/compliance/incidents/",
                      {"team": team.pk, "title": "", "incident_type": "nope"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()) >= {"title", "incident_type"}
    incident = incident_open(actor=users["manager"], team=team, incident_type="data_leak",
                             title="客户名单外泄")
    outsider_client = api_as(outsider)
    assert outsider_client.get(f"/api/v1/compliance/incidents/{incident.pk}/").status_code == 404
    assert outsider_client.post(f"/api/v1/compliance/incidents/{incident.pk}/updates/",
                                {"message": "x"}, format="json").status_code == 404
    assert outsider_client.get("/api/v1/compliance/incidents/").json()["count"] == 0


def test_api_incident_list_query_count_is_constant(team, users, api_as,
                                                    django_assert_max_num_queries):
    for i in range(6):
        incident_open(actor=users["manager"], team=team, incident_type="other", title=f"事件{i}")
    client = api_as(users["reviewer"])
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/compliance/incidents/")
    assert response.json()["count"] == 6


def test_api_plans_and_drills(team, users, plan, api_as):
    manager = api_as(users["manager"])
    response = manager.post("/api/v1/compliance/emergency-plans/", {
        "team": team.pk, "incident_type": "data_leak", "name": "数据泄露预案",
        "holding_statements": [{"title": "声明", "body": "我们已第一时间启动调查。"}],
        "steps": [{"title": "隔离受影响系统", "owner_role": "admin", "due_offset_hours": 1}],
    }, format="json")
    assert response.status_code == 201
    assert EmergencyPlan.objects.get(team=team, incident_type="data_leak").steps.count() == 1
    listed = manager.get("/api/v1/compliance/emergency-plans/").json()
    assert listed["count"] == 2
    marketer = api_as(users["marketer"])
    assert marketer.post("/api/v1/compliance/emergency-plans/", {
        "team": team.pk, "incident_type": "other", "name": "x"}, format="json").status_code == 403

    drill = Drill.objects.create(team=team, plan=plan, title="演练", next_due=timezone.localdate())
    run = marketer.post(f"/api/v1/compliance/drills/{drill.pk}/run/", {
        "ran_on": timezone.localdate().isoformat(), "log": "完成"}, format="json")
    assert run.status_code == 200
    assert len(run.json()["runs"]) == 1
    future = marketer.post(f"/api/v1/compliance/drills/{drill.pk}/run/", {
        "ran_on": "2999-01-01", "log": "完成"}, format="json")
    assert future.status_code == 400


# --- UI -----------------------------------------------------------------------

def test_incident_pages(team, users, plan, client_as, outsider, django_assert_max_num_queries):
    incident = incident_open(actor=users["manager"], team=team, incident_type="account_banned",
                             title="微博账号被封")
    client = client_as(users["marketer"])
    with django_assert_max_num_queries(20):
        page = client.get("/compliance/incidents/")
    assert page.status_code == 200
    assert "微博账号被封" in page.content.decode()
    detail = client.get(f"/compliance/incidents/{incident.pk}/")
    assert "联系平台客服" in detail.content.decode()
    step = IncidentStep.objects.filter(incident=incident).first()
    client.post(f"/compliance/incidents/{incident.pk}/steps/{step.pk}/", {"done": "1"})
    step.refresh_from_db()
    assert step.is_done
    client.post(f"/compliance/incidents/{incident.pk}/updates/", {"message": "已申诉"})
    assert incident.updates.filter(message="已申诉").exists()
    empty = client.post(f"/compliance/incidents/{incident.pk}/updates/", {"message": ""})
    assert empty.status_code == 400
    assert client_as(outsider).get(f"/compliance/incidents/{incident.pk}/").status_code == 404
    assert Incident.objects.count() == 1


def test_plan_and_drill_pages(team, users, plan, client_as):
    client = client_as(users["analyst"])
    assert "账号封禁预案" in client.get("/compliance/plans/").content.decode()
    detail = client.get(f"/compliance/plans/{plan.pk}/").content.decode()
    assert "账号正在与平台沟通处理中。" in detail
    assert client.get("/compliance/drills/").status_code == 200


def test_plan_edit_page_saves_steps_and_statements(team, users, plan, client_as):
    client = client_as(users["manager"])
    form = client.get(f"/compliance/plans/{plan.pk}/edit/").content.decode()
    assert "联系平台客服 | marketer | 2" in form
    response = client.post("/compliance/plans/new/", {
        "team": team.pk, "incident_type": "data_leak", "name": "数据泄露预案",
        "description": "", "steps": "封堵泄露途径 | admin | 1\n通知受影响个人 | manager | 72",
        "holding_statements": "致用户\n我们已启动调查。\n\n第二条口径"})
    assert response.status_code == 302
    saved = EmergencyPlan.objects.get(team=team, incident_type="data_leak")
    assert [(s.title, s.owner_role, s.due_offset_hours) for s in saved.steps.all()] == [
        ("封堵泄露途径", "admin", 1), ("通知受影响个人", "manager", 72)]
    assert saved.holding_statements == [{"title": "致用户", "body": "我们已启动调查。"},
                                        {"title": "", "body": "第二条口径"}]
    bad = client.post("/compliance/plans/new/", {
        "team": team.pk, "incident_type": "other", "name": "x", "steps": "步骤 | wizard | x"})
    assert bad.status_code == 400
    assert client_as(users["marketer"]).get("/compliance/plans/new/").status_code == 403


def test_drill_page_schedules_and_records_runs(team, users, plan, client_as):
    client = client_as(users["manager"])
    today = timezone.localdate()
    response = client.post("/compliance/drills/", {
        "team": team.pk, "title": "季度封号演练", "plan": plan.pk,
        "next_due": today.isoformat(), "interval_days": 90})
    assert response.status_code == 302
    drill = Drill.objects.get(title="季度封号演练")
    assert drill.owner == users["manager"]
    bad = client.post(f"/compliance/drills/{drill.pk}/run/", {"ran_on": today.isoformat(),
                                                              "log": ""})
    assert bad.status_code == 400
    client.post(f"/compliance/drills/{drill.pk}/run/", {"ran_on": today.isoformat(),
                                                        "log": "演练完成", "lessons_learned": "x"})
    drill.refresh_from_db()
    assert drill.next_due == today + datetime.timedelta(days=90)
    assert client_as(users["analyst"]).post(f"/compliance/drills/{drill.pk}/run/", {
        "ran_on": today.isoformat(), "log": "y"}).status_code == 403
    assert client_as(users["marketer"]).post("/compliance/drills/", {
        "team": team.pk, "title": "x", "next_due": today.isoformat(),
        "interval_days": 1}).status_code == 403


def test_beat_tasks_for_spikes_and_drills(team, users, plan):
    from compliance.risk.tasks import drill_reminders_task, opinion_spike_check_all_task

    # One check per team is enqueued; without signals none opens an incident.
    assert opinion_spike_check_all_task.delay().get() == Team.objects.count()
    assert not Incident.objects.exists()
    Drill.objects.create(team=team, plan=plan, title="到期演练", owner=users["reviewer"],
                         next_due=timezone.localdate())
    assert drill_reminders_task.delay().get() == 1
    assert drill_reminders_task.delay().get() == 0


def test_risk_list_pages_query_counts_are_constant(team, users, client_as,
                                                   django_assert_max_num_queries):
    for kind in ("account_banned", "content_complaint", "data_leak"):
        p = emergency_plan_save(actor=users["admin"], team=team, incident_type=kind, name=kind,
                                steps=STEPS)
        for i in range(3):
            drill = Drill.objects.create(team=team, plan=p, title=f"{kind}-{i}",
                                         owner=users["manager"], next_due=timezone.localdate())
            drill_run_record(actor=users["manager"], drill=drill, ran_on=timezone.localdate(),
                             log="ok")
    client = client_as(users["manager"])
    with django_assert_max_num_queries(15):
        assert client.get("/compliance/plans/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/compliance/drills/").status_code == 200


@pytest.mark.parametrize("role", ["admin", "manager", "marketer", "reviewer", "analyst"])
def test_every_role_can_open_the_risk_and_privacy_pages(team, users, plan, client_as, role):
    incident = incident_open(actor=users["manager"], team=team, incident_type="account_banned",
                             title="账号异常")
    client = client_as(users[role])
    for url in ("/compliance/incidents/", f"/compliance/incidents/{incident.pk}/",
                "/compliance/plans/", f"/compliance/plans/{plan.pk}/", "/compliance/drills/",
                "/compliance/privacy/", "/compliance/incidents/?status=all"):
        response = client.get(url)
        assert response.status_code == 200, url
    html = client.get(f"/compliance/incidents/{incident.pk}/").content.decode()
    can_manage = role != "analyst"
    assert ("添加进展" in html or "Add update" in html) is can_manage
