"""Odd input is a 400, never a 500, on every JSON endpoint the API documents.

The endpoints come from drf-spectacular's schema, so a new endpoint is probed
as soon as it exists. Each gets JSON nested 2,000 deep, a lone surrogate, a
NUL character, numbers no column holds and year 1 in a date-time: the answer
may be any 4xx (a 404 for an object the probe did not create, a 403 for a
move the role may not make), never a 5xx.
"""

import json
import re

import pytest
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.exceptions import ParseError

from config.parsers import check_structure
from tests.factories import TeamFactory, member

DEEP = "[" * 2000 + "]" * 2000
ODD_BODIES = {
    "nested 2,000 deep": DEEP,
    "nested 2,000 deep in a field": '{"to": ' + DEEP + ', "name": ' + DEEP + "}",
    "nested 100 deep": '{"a": ' + "[" * 100 + "]" * 100 + "}",
    "lone surrogate in a choice": '{"to": "\\ud800x", "status": "\\ud800x", "kind": "\\udfff"}',
    "lone surrogate in a key": '{"\\ud800": 1}',
    "NUL in text": '{"name": "a\\u0000b", "title": "a\\u0000b", "message": "a\\u0000b"}',
    "huge integer": '{"team": 99999999999999999999999999, "campaign": 1e400}',
    "infinity": '{"budget": 1e999, "score": -1e999}',
    "year 1": '{"start_date": "0001-01-01", "end_date": "0001-01-02", '
              '"occurred_at": "0001-01-01T00:00:00", "consented_at": "0001-01-01T00:00:00", '
              '"received_at": "0001-01-01T00:00:00+14:00", "planned_at": "0001-01-01T00:00:00"}',
    "year 9999": '{"start_date": "9999-12-31", "occurred_at": "9999-12-31T23:59:59-12:00"}',
}


def _json_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method not in ("post", "put", "patch"):
                continue
            content = (operation.get("requestBody") or {}).get("content") or {}
            if "application/json" in content:
                operations.append((method, path))
    return sorted(operations)


OPERATIONS = _json_operations()


def _model_of(path: str):
    view = resolve(re.sub(r"\{[^}]+\}", "1", path)).func
    cls = getattr(view, "cls", None)
    queryset = getattr(cls, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer = getattr(cls, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    return getattr(meta, "model", None)


def _concrete(path: str) -> str:
    """The path with its first parameter set to an existing row of the view's model."""
    model = _model_of(path)
    first = None
    if model is not None:
        lookup = "code" if "{code}" in path else "pk"
        first = model.objects.order_by("pk").values_list(lookup, flat=True).first()
    concrete = re.sub(r"\{[^}]+\}", str(first if first is not None else 1), path, count=1)
    return re.sub(r"\{[^}]+\}", "1", concrete)


@pytest.fixture
def probe(db, api_client):
    """An admin of a team holding a few records of the lower apps, logged in to the API."""
    from tests.campaigns.planning.factories import spec_example
    from tests.compliance.privacy.factories import (
        ConsentRecordFactory,
        DataSubjectRequestFactory,
    )
    from tests.platforms.factories import qualified_account

    team = TeamFactory(name="Probe team", slug="probe")
    admin = member(team, "admin", username="probe-admin")
    spec_example(team, admin)
    qualified_account(team)
    ConsentRecordFactory(team=team)
    DataSubjectRequestFactory(team=team)
    api_client.force_authenticate(admin)
    return api_client


def test_the_schema_lists_json_endpoints_of_every_app():
    prefixes = {path.split("/")[3] for _method, path in OPERATIONS}

    assert len(OPERATIONS) > 30
    assert {"campaigns", "platform-accounts", "compliance"} <= prefixes


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=lambda v: str(v))
def test_odd_json_is_never_a_server_error(probe, method, path):
    url = _concrete(path)
    failures = {}
    for name, body in ODD_BODIES.items():
        response = getattr(probe, method)(url, data=body, content_type="application/json")
        if response.status_code >= 500:
            failures[name] = response.status_code
        else:
            json.loads(response.content or b"{}")  # the answer itself renders as JSON
    assert failures == {}


@pytest.mark.parametrize(("body", "message"), [
    (DEEP, "nested more than 32 levels"),
    ('{"to": "\\ud800x"}', "lone UTF-16 surrogate"),
    ('{"name": "a\\u0000"}', "NUL character"),
    ('{"n": 1e999}', "too large"),
    ('{"n": 99999999999999999999}', "too large"),
    ("[NaN]", "JSON parse error"),
])
def test_the_parser_refuses_each_kind_with_a_reason(probe, body, message):
    response = probe.post("/api/v1/platforms/recommend/", data=body,
                          content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_an_ordinary_nested_body_passes_the_structure_check():
    check_structure({"steps": [{"title": "联系平台客服", "owner_role": "marketer"}] * 50})
    with pytest.raises(ParseError):
        check_structure({"a": [[[[]]]]}, max_depth=3)
