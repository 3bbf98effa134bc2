"""The permission matrix: every URL pattern and API operation × every role.

Each test takes one pattern, asks it as every role (the demo team's admin,
manager, marketer, reviewer and analyst, anonymous, and a marketer of another
team), and compares the whole {(method, role): status} dict with the table in
``permission_table.py``. Path parameters point at the demo team's objects, so
the outsider's column says another team's objects answer 404. Every request
runs in a savepoint that is rolled back, so one role's write never changes what
the next role sees; a refused write (4xx, or anyone anonymous) that issued SQL
against a product table is compared with the world's checksum to prove nothing
changed. A URL or operation added without an entry in the table fails
``test_every_pattern_has_an_entry``.

To re-record after a deliberate change: ``PERMISSION_MATRIX_RECORD=/tmp/seen.jsonl``
makes the tests write what they saw there instead of asserting (then review it!).
"""

from __future__ import annotations

import json
import os
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import close_old_connections, connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tests.security.permission_table import API, PAGES
from tests.security.world import (
    ROLES,
    api_operations,
    build_world,
    is_api_route,
    path_for,
    table_checksum,
    url_patterns,
    written_tables,
)

RECORD = os.environ.get("PERMISSION_MATRIX_RECORD")

PAGE_ROUTES = sorted({route for route, _ in url_patterns() if not is_api_route(route)})
OPERATIONS = api_operations()
API_PATHS = sorted({path for _, path in OPERATIONS})
# Pages that take no form: POST is not part of their contract (admin is Django's own).
GET_ONLY = re.compile(r"^admin/")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo world, built once per module inside a transaction rolled back at the end."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        world = build_world()
        # A session per role; each request gets a fresh client holding only that
        # session, so a logout or language switch by one request cannot leak into the next.
        world.sessions = {"anonymous": None}
        for role, user in world.users.items():
            client = Client()
            client.force_login(user)
            world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        world.baseline = table_checksum()
        yield world
        transaction.set_rollback(True)


def ask(world, role: str, method: str, path: str, *, api: bool) -> tuple[int, list[str]]:
    """(status, tables changed) of one request, rolled back afterwards."""
    client = Client(raise_request_exception=False)
    if world.sessions[role]:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            if method == "GET":
                response = client.get(path)
            elif api:
                response = client.generic(method, path, "{}", content_type="application/json")
            else:
                response = client.post(path, {})
        # Close streamed downloads' files as a server would, without the signal
        # handler that would close the database connection inside this atomic block
        # (a no-op on SQLite's in-memory test database, a lost connection on PostgreSQL).
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)
        status = response.status_code
        changed: list[str] = []
        refused = status >= 400 or role == "anonymous"
        if method != "GET" and refused and written_tables(queries.captured_queries):
            now = table_checksum()
            changed = sorted(t for t, digest in now.items() if world.baseline.get(t) != digest)
        transaction.set_rollback(True)
    return status, changed


def check(world, key: str, methods: list[str], path: str, expected: dict, *, api: bool) -> None:
    cache.clear()  # throttles count per user; each pattern starts afresh
    seen: dict[str, tuple[int, ...]] = {}
    unchanged_violations = {}
    for method in methods:
        statuses = []
        for role in ROLES:
            status, changed = ask(world, role, method, path, api=api)
            statuses.append(status)
            if changed:
                unchanged_violations[(method, role)] = changed
        seen[method] = tuple(statuses)
    if RECORD:
        with open(RECORD, "a") as out:
            out.write(json.dumps({"key": key, "api": api, "seen": seen}) + "\n")
        return
    mismatches = {
        (method, role): (want, got)
        for method in methods
        for role, want, got in zip(ROLES, expected.get(method, ()), seen[method], strict=False)
        if want != got
    }
    assert set(expected) == set(methods), f"{key}: table lists {sorted(expected)}, asked {methods}"
    assert mismatches == {}, f"{path}: (method, role): (expected, got)"
    assert unchanged_violations == {}, f"{path}: refused writes changed data"


@pytest.mark.django_db
def test_every_pattern_has_an_entry():
    """A new URL or API operation must come with its row in the table."""
    assert set(PAGES) == set(PAGE_ROUTES)
    assert {f"{m} {p}" for m, p in OPERATIONS} == {
        f"{method} {path}" for path, row in API.items() for method in row
    }


def _shape(route: str) -> str:
    """A route with its parameters blanked, comparable between URL patterns and schema paths."""
    route = route.replace("^", "").replace("$", "").removeprefix("/")
    return re.sub(r"<[^>]+>|\(\?P<\w+>[^)]*\)|\{\w+\}", "{}", route)


def test_every_api_route_is_in_the_schema():
    """An API route the schema hides would escape the matrix."""
    routes = {_shape(route) for route, _ in url_patterns() if is_api_route(route)}
    assert routes - {_shape(path) for path in API_PATHS} == set()


@pytest.mark.parametrize("route", PAGE_ROUTES)
def test_page(world, db, route):
    methods = ["GET"] if GET_ONLY.match(route) else ["GET", "POST"]
    check(world, route, methods, path_for(route, world), PAGES.get(route, {}), api=False)


@pytest.mark.parametrize("path", API_PATHS)
def test_api(world, db, path):
    methods = [m for m, p in OPERATIONS if p == path]
    check(world, path, methods, path_for(path, world), API.get(path, {}), api=True)


# Id-taking patterns whose outsider answer is not 404, and why (the table comments say more).
NOT_TEAM_OWNED = {
    "platforms/<slug:code>/": "the shared platform catalogue",
    "/api/v1/platforms/{code}/": "the shared platform catalogue",
    "analytics/portfolio.<str:fmt>": "the export format, not an object",
    "t/<slug:code>": "a public tracking link",
    "t/<slug:code>/conversion": "a signed server-to-server callback (403 unsigned)",
    "team/calendar/<str:token>.ics": "the token is the key",
}
# Actions that read their body before the lookup: empty body, 400 for everyone alike.
BODY_FIRST = {
    "/api/v1/campaigns/{id}/duplicate/", "/api/v1/compliance/incidents/{id}/steps/",
    "/api/v1/interactions/{id}/status/", "/api/v1/kpis/{id}/achieved/",
    "/api/v1/lotteries/{id}/cancel/", "/api/v1/milestones/{id}/done/",
}


def test_another_teams_objects_are_404_in_the_table():
    """The table itself may not grant the outsider any object of the demo team."""
    granted = {}
    for key, row in {**PAGES, **API}.items():
        if key.startswith("admin/") or not re.search(r"<|\{", key) or key in NOT_TEAM_OWNED:
            continue
        for method, statuses in row.items():
            allowed = {404, 405} | ({400} if key in BODY_FIRST and method != "GET" else set())
            if statuses[ROLES.index("outsider")] not in allowed:
                granted[(method, key)] = statuses[ROLES.index("outsider")]
    assert granted == {}
