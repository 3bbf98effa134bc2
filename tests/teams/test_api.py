"""The teams API: the current user and their roles, documented as they are."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


def test_me_is_documented_as_one_object_not_an_array(api_as, users):
    response = api_as(users["analyst"]).get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "analyst"
    assert body["roles"] == ["analyst"]
    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = schema["paths"]["/api/v1/me/"]["get"]["responses"]["200"]
    assert documented["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Me"
    }
    assert set(schema["components"]["schemas"]["Me"]["properties"]) == set(body)
