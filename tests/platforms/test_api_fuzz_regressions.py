"""Regressions found by fuzzing the API with schemathesis: responses match the schema."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.platforms.factories import PlatformAccountFactory

pytestmark = pytest.mark.django_db


def test_health_check_response_is_documented_as_it_is(api_as, users, team):
    # The schema claimed a full PlatformAccount; the endpoint answers a health summary.
    account = PlatformAccountFactory(team=team)
    response = api_as(users["manager"]).post(f"/api/v1/platform-accounts/{account.pk}/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["needs_reconnection"] is False
    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"]["/api/v1/platform-accounts/{id}/health/"]["post"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    documented = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(documented["properties"]) == set(body)
    assert set(documented["required"]) == set(body)
    assert documented["properties"]["token_expires_at"].get("nullable") is True


def test_health_check_of_another_teams_account_is_404(api_as, outsider, team):
    account = PlatformAccountFactory(team=team)
    response = api_as(outsider).post(f"/api/v1/platform-accounts/{account.pk}/health/")
    assert response.status_code == 404
