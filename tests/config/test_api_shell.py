import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from teams.roles import Role

pytestmark = pytest.mark.django_db


def test_anonymous_api_call_is_401_json(api_client):
    response = api_client.get("/api/v1/teams/")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_bad_token_is_401_json(api_client):
    response = api_client.get("/api/v1/teams/", HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 401
    assert set(response.json()) == {"detail"}
    assert response["WWW-Authenticate"] == "Token"


def test_token_created_by_command_authenticates(api_client, users):
    call_command("drf_create_token", "marketer")
    token = Token.objects.get(user=users[Role.MARKETER])

    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert response.json() == {"username": "marketer", "roles": ["marketer"], "sees_all_teams": False}


def test_api_root_lists_the_routers(api_as, users):
    response = api_as(users[Role.MARKETER]).get("/api/v1/")

    assert response.status_code == 200
    assert {"teams", "tasks", "me"} <= set(response.json())


def test_teams_endpoint_is_scoped_and_paginated(api_as, users, team, other_team):
    marketer_view = api_as(users[Role.MARKETER]).get("/api/v1/teams/").json()
    manager_view = api_as(users[Role.MANAGER]).get("/api/v1/teams/").json()

    assert {"count", "next", "previous", "results"} <= set(marketer_view)
    assert [t["slug"] for t in marketer_view["results"]] == ["brand"]
    assert sorted(t["slug"] for t in manager_view["results"]) == ["brand", "other"]


def test_other_teams_record_is_404_json(api_as, outsider, team):
    response = api_as(outsider).get(f"/api/v1/teams/{team.pk}/")

    assert response.status_code == 404
    assert "detail" in response.json()


def test_unknown_api_path_is_json_404(api_as, users, settings):
    settings.DEBUG = False
    response = api_as(users[Role.MARKETER]).get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_bad_input_is_400_with_field_errors(api_as, users, team):
    from teams.services import task_create

    task = task_create(team=team, owner=users[Role.MARKETER], title="Check")

    response = api_as(users[Role.MARKETER]).post(f"/api/v1/tasks/{task.pk}/status/", {"status": "exploded"})

    assert response.status_code == 400
    assert "status" in response.json()


def test_unexpected_error_is_json_500_not_html(api_as, users, monkeypatch):
    from teams import api

    def explode(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(api.MeViewSet, "list", explode)
    client = api_as(users[Role.MARKETER])
    client.raise_request_exception = False

    response = client.get("/api/v1/me/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "boom" not in response.content.decode()


def test_openapi_schema_and_offline_swagger(api_as, client, users):
    schema = api_as(users[Role.MARKETER]).get("/api/schema/", HTTP_ACCEPT="application/json")
    client.force_login(users[Role.MARKETER])
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert "/api/v1/tasks/" in schema.json()["paths"]
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn" not in html.lower()


def test_oversized_multipart_body_is_400_json_not_500(api_as, users, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = api_as(users[Role.MARKETER])

    response = client.post("/api/v1/campaigns/", {"name": "x" * 5000, "team": "1"}, format="multipart")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_too_many_fields_is_400_json_not_500(api_as, users, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client = api_as(users[Role.MARKETER])

    response = client.post(
        "/api/v1/campaigns/", {f"field{n}": "x" for n in range(50)}, format="multipart"
    )

    assert response.status_code == 400
    assert "detail" in response.json()
