"""Risk pages: ids, the timeline in the reader's language, platform names, drills."""

import pytest
from django.utils import timezone

from compliance.risk.models import Drill
from compliance.risk.services import incident_open, incident_set_status
from tests.compliance.risk.factories import EmergencyPlanFactory, spike_incident

API = "/api/v1/compliance"


def test_ui_non_numeric_id_is_a_404_page(users, client_as):
    client = client_as(users["reviewer"])
    assert client.get("/compliance/incidents/abc/").status_code == 404
    huge = 99999999999999999999
    assert client.get(f"/compliance/incidents/{huge}/").status_code == 404
    assert client.post(f"/compliance/incidents/{huge}/steps/{huge}/").status_code == 404
    assert client.get(f"/compliance/plans/{huge}/").status_code == 404


def test_filter_button_reads_shaixuan(team, users, client_as):
    client = client_as(users["reviewer"])
    html = client.get("/compliance/incidents/").content.decode()
    assert "筛选" in html
    assert "过滤器" not in html


def test_incident_timeline_page_in_chinese_and_api_in_english(team, users, client_as, api_as):
    incident = spike_incident(team)
    incident_set_status(actor=users["manager"], incident=incident, status="in_progress",
                        note="已联系平台")
    html = client_as(users["manager"]).get(
        f"/compliance/incidents/{incident.pk}/").content.decode()
    assert "Negative spike" not in html
    assert "Status:" not in html
    assert "已联系平台" in html
    assert "In progress" not in html
    detail = api_as(users["manager"]).get(
        f"{API}/incidents/{incident.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    messages = [u["message"] for u in detail["updates"]]
    assert messages[0].startswith("Negative spike: 8 of 8")
    assert messages[1].startswith("Status: Open → In progress")
    assert messages[1].endswith("\n已联系平台")

def test_incident_list_and_detail_show_platform_names(team, users, client_as):
    incident = spike_incident(team)
    client = client_as(users["manager"])
    html = client.get("/compliance/incidents/").content.decode()
    assert '<span data-field="source">微博</span>' in html
    assert ">weibo<" not in html
    detail = client.get(f"/compliance/incidents/{incident.pk}/").content.decode()
    assert '<span data-field="source">微博</span>' in detail
    english = client.get("/compliance/incidents/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span data-field="source">Weibo</span>' in english

def test_incident_list_query_count_is_constant(team, users, client_as,
                                               django_assert_max_num_queries):
    EmergencyPlanFactory(team=team, incident_type="account_banned")
    for i in range(5):
        incident_open(actor=users["manager"], team=team, title=f"事件{i}",
                      incident_type="account_banned", source="weibo", platform_code="douyin")
    client = client_as(users["manager"])
    with django_assert_max_num_queries(15):
        html = client.get("/compliance/incidents/").content.decode()
    assert html.count('<span data-field="platform">抖音</span>') == 5

@pytest.mark.parametrize(("role", "offered"), [
    ("analyst", False), ("marketer", True), ("reviewer", True),
])
def test_record_drill_run_offered_only_to_incident_managers(
    client_as, team, users, settings, role, offered,
):
    settings.LANGUAGE_CODE = "zh-hans"
    plan = EmergencyPlanFactory(team=team)
    drill = Drill.objects.create(team=team, plan=plan, title="季度演练",
                                 next_due=timezone.localdate())
    client = client_as(users[role])
    html = client.get("/compliance/drills/").content.decode()
    assert "季度演练" in html
    assert (f"/compliance/drills/{drill.pk}/run/" in html) is offered
    assert ("记录演练" in html) is offered
    response = client.post(f"/compliance/drills/{drill.pk}/run/", {
        "ran_on": timezone.localdate().isoformat(), "log": "完成",
    })
    assert response.status_code == (302 if offered else 403)
