"""Checker API schema: what the API answers is what the schema documents."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from compliance.advertising.services import content_check_run

pytestmark = pytest.mark.django_db


def _schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_content_check_without_platform_documents_platform_as_nullable(api_as, users, team):
    check = content_check_run(actor=users["marketer"], team=team, text="全网最低价", platform=None)
    response = api_as(users["marketer"]).get(f"/api/v1/compliance/checks/{check.pk}/")
    assert response.status_code == 200
    assert response.json()["platform"] is None
    platform = _schema()["components"]["schemas"]["ContentCheck"]["properties"]["platform"]
    assert platform.get("nullable") is True
