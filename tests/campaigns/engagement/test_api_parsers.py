"""Every engagement endpoint parses JSON with the project's safe parser: a body nested
deeper than it allows is a translated 400 (the lottery entrants door took plain JSON)."""

import json

import pytest

from .test_api import _lottery_body

pytestmark = pytest.mark.django_db


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_lottery_entrants_refuse_json_nested_deeper_than_the_limit(api_as, users, campaign):
    client = api_as(users["marketer"])
    pk = client.post("/api/v1/lotteries/", _lottery_body(campaign), format="json").json()["id"]

    response = client.post(
        f"/api/v1/lotteries/{pk}/entrants/", data=json.dumps({"file": json.loads(_nested(100))}),
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "The request is nested more than 32 levels deep."}
