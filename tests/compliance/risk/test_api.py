"""Risk API: ids, sentiment bodies, incident shapes as documented, the timeline's authors."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from compliance.risk.services import emergency_plan_save, incident_open

API = "/api/v1/compliance"


def _schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _ref_name(response_schema):
    return response_schema["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/incidents/abc/"),
    ("post", "/incidents/abc/updates/"),
    ("post", "/incidents/abc/status/"),
    ("post", "/incidents/abc/steps/"),
    ("get", "/emergency-plans/abc/"),
    ("get", "/drills/abc/"),
    ("post", "/drills/abc/run/"),
    ("get", "/incidents/1.5/"),
    ("get", "/incidents/99999999999999999999/"),
    ("post", "/incidents/99999999999999999999/updates/"),
    ("get", "/drills/99999999999999999999/"),
])
def test_api_non_numeric_id_is_a_json_404(users, api_as, method, path):
    client = api_as(users["reviewer"])
    response = getattr(client, method)(API + path, {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


# --- POST /api/v1/compliance/sentiment/ ---------------------------------------


def test_sentiment_multipart_with_too_many_fields_is_415_not_500(api_as, users):
    # 1,001 ``texts`` parts exceeded DATA_UPLOAD_MAX_NUMBER_FIELDS inside the
    # multipart parser: TooManyFieldsSent escaped as a 500.
    response = api_as(users["analyst"]).post(
        "/api/v1/compliance/sentiment/", {"texts": ["好"] * 1001}, format="multipart"
    )
    assert response.status_code == 415

def test_sentiment_multipart_with_oversized_field_is_415_not_500(api_as, users, settings):
    # A text part larger than DATA_UPLOAD_MAX_MEMORY_SIZE raised RequestDataTooBig (500).
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_as(users["analyst"]).post(
        "/api/v1/compliance/sentiment/", {"texts": ["a" * 5000]}, format="multipart"
    )
    assert response.status_code == 415

def test_sentiment_json_still_scores_and_rejects_bad_input_with_field_errors(api_as, users):
    client = api_as(users["analyst"])
    response = client.post(
        "/api/v1/compliance/sentiment/", {"texts": ["非常好用，推荐！", "太差了"]}, format="json"
    )
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    response = client.post("/api/v1/compliance/sentiment/", {"texts": [1, 2]}, format="json")
    assert response.status_code == 400
    assert "texts" in response.json()
    schema = _schema()
    request_body = schema["paths"]["/api/v1/compliance/sentiment/"]["post"]["requestBody"]
    assert list(request_body["content"]) == ["application/json"]


# --- incidents -----------------------------------------------------------------

@pytest.fixture
def incident(team, users):
    emergency_plan_save(
        actor=users["manager"], team=team, incident_type="account_banned", name="账号封禁预案",
        steps=[{"title": "联系平台客服", "owner_role": "marketer", "due_offset_hours": 2}],
    )
    return incident_open(
        actor=users["manager"], team=team, incident_type="account_banned", title="账号被封",
    )

def test_incident_detail_is_documented_as_the_detail_shape(api_as, users, incident):
    response = api_as(users["manager"]).get(f"/api/v1/compliance/incidents/{incident.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["steps"]
    assert body["steps"][0]["done_at"] is None
    schema = _schema()
    op = schema["paths"]["/api/v1/compliance/incidents/{id}/"]["get"]
    name = _ref_name(op["responses"]["200"])
    assert name == "IncidentDetail"
    documented = schema["components"]["schemas"][name]
    assert set(documented["required"]) <= set(body)
    assert set(body) <= set(documented["properties"])
    step = schema["components"]["schemas"]["IncidentStep"]["properties"]
    assert step["done_at"].get("nullable") is True
    assert step["owner"].get("nullable") is True

def test_incident_status_response_matches_its_schema(api_as, users, incident):
    response = api_as(users["manager"]).post(
        f"/api/v1/compliance/incidents/{incident.pk}/status/", {"status": "in_progress"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body == {"id": incident.pk, "status": "in_progress"}
    schema = _schema()
    op = schema["paths"]["/api/v1/compliance/incidents/{id}/status/"]["post"]
    documented = schema["components"]["schemas"][_ref_name(op["responses"]["200"])]
    assert set(documented["properties"]) == set(body)

def test_incident_step_undone_answers_null_done_at(api_as, users, incident):
    step = incident.steps.first()
    response = api_as(users["manager"]).post(
        f"/api/v1/compliance/incidents/{incident.pk}/steps/", {"step": step.pk, "done": False},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["done_at"] is None

def test_system_written_incident_update_has_null_author_and_schema_says_so(api_as, users, team):
    # Opened by spike detection (actor None): the first update has no author.
    incident = incident_open(
        actor=None, team=team, incident_type="negative_publicity", title="负面舆情激增",
    )
    response = api_as(users["manager"]).get(f"/api/v1/compliance/incidents/{incident.pk}/")
    assert response.status_code == 200
    authors = [update["author"] for update in response.json()["updates"]]
    assert None in authors
    author = _schema()["components"]["schemas"]["IncidentUpdate"]["properties"]["author"]
    assert author.get("nullable") is True
