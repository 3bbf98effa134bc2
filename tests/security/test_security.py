"""Security checks a sceptical operator asks for, over the whole URL map.

Covered elsewhere and not repeated here: ``manage.py check --deploy`` under
production settings and HSTS/CSP/X-Frame-Options on a production probe
(tests/config/test_settings.py), the login lock-out on the login form
(tests/config/test_auth.py), uploads served as attachments with their checked
type (tests/platforms/test_documents.py,
tests/compliance/advertising/test_filing_documents.py,
tests/campaigns/content/test_views.py and test_api.py).
"""

from __future__ import annotations

import datetime
import re
import subprocess
import sys

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.config.test_settings import PRODUCTION_ENV, ROOT, TEST_ONLY_VARIABLES
from tests.factories import UserFactory
from tests.security.permission_table import PAGES
from tests.security.world import fill, params_of

# Form-posting pages: every page route whose POST the table does not answer 405
# for the administrator (admin's own forms are Django's and guarded the same way).
POST_ROUTES = sorted(
    route for route, row in PAGES.items() if "POST" in row and row["POST"][1] != 405
)
# Server-to-server endpoints that prove the caller by a signature, not a session.
CSRF_EXEMPT = {
    "t/<slug:code>/conversion": "HMAC-signed conversion callback from the advertiser's server",
}
_DUMMY = {"int": 1, "str": "x", "slug": "x", "path": "1"}


def _dummy_path(route: str) -> str:
    """Any path of ``route``: CSRF is refused before the view looks anything up."""
    converters = dict(re.findall(r"<(\w+):(\w+)>", route))
    values = {name: _DUMMY.get(conv, 1) for conv, name in converters.items()}
    values.update({name: 1 for name in params_of(route) if name not in values})
    return fill(route, values)


def test_the_form_routes_are_the_matrixs():
    assert len(POST_ROUTES) > 100
    assert set(CSRF_EXEMPT) <= set(POST_ROUTES)


@pytest.mark.django_db
def test_every_form_post_without_a_csrf_token_is_refused(users):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(users["admin"])
    accepted = {}
    for route in POST_ROUTES:
        if route in CSRF_EXEMPT:
            continue
        status = client.post(_dummy_path(route), {}).status_code
        if status != 403:
            accepted[route] = status

    assert accepted == {}


@pytest.mark.django_db
def test_the_login_form_and_admin_forms_need_a_csrf_token(users):
    anonymous = Client(enforce_csrf_checks=True)
    UserFactory(username="root", is_staff=True, is_superuser=True)
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(get_user_model().objects.get(username="root"))

    assert anonymous.post("/accounts/login/", {"username": "root", "password": "pw-for-tests"}
                          ).status_code == 403
    assert staff.post("/admin/teams/team/add/", {"name": "x", "slug": "x"}).status_code == 403
    assert staff.post("/accounts/password/", {}).status_code == 403


@pytest.mark.django_db
def test_a_csrf_token_from_the_form_is_accepted(users):
    """The refusals above are about the token, not about posting at all."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["marketer"])
    client.get("/campaigns/new/")
    token = client.cookies["csrftoken"].value

    response = client.post("/campaigns/new/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 200  # the form again, with its field errors


# Login lock-out ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_login_locks_out_after_the_configured_failures(settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="staffer", is_staff=True)
    client = Client()
    for _attempt in range(2):
        assert client.post(
            "/admin/login/", {"username": "staffer", "password": "nope"}
        ).status_code == 200

    locked = client.post("/admin/login/", {"username": "staffer", "password": "nope"})
    right_password = client.post(
        "/admin/login/", {"username": "staffer", "password": "pw-for-tests"}
    )
    on_the_site_login = client.post(
        "/accounts/login/", {"username": "staffer", "password": "pw-for-tests"}
    )

    assert (locked.status_code, right_password.status_code) == (429, 429)
    assert on_the_site_login.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failures_below_the_limit_do_not_lock_and_a_success_resets_them(settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="forgetful")
    client = Client()
    for _round in range(3):
        for _attempt in range(2):
            client.post("/accounts/login/", {"username": "forgetful", "password": "nope"})
        success = client.post(
            "/accounts/login/", {"username": "forgetful", "password": "pw-for-tests"}
        )
        assert success.status_code == 302
        client.logout()


# Security headers -------------------------------------------------------------------------

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@pytest.mark.django_db
@pytest.mark.parametrize("path", [
    "/accounts/login/", "/", "/campaigns/", "/api/v1/campaigns/", "/no-such-page/",
    "/api/docs/",
])
def test_every_kind_of_response_carries_the_security_headers(client, users, path):
    if path != "/accounts/login/":
        client.force_login(users["marketer"])

    response = client.get(path)

    assert {name: response.get(name) for name in HEADERS} == HEADERS
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if " " in d.strip())
    assert "'self'" in directives["default-src"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'" if "frame-ancestors" in directives else True
    assert "Strict-Transport-Security" not in response  # plain http in the embedded mode


def test_production_responses_carry_hsts_and_every_header():
    # An API answer: pages need collected static files, which a test run has not.
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='campaignops.example.com').get('/api/v1/campaigns/', secure=True);"
        "print(r.status_code);"
        "[print(r.get(h, '')) for h in ('Strict-Transport-Security', 'X-Frame-Options',"
        " 'X-Content-Type-Options', 'Referrer-Policy', 'Content-Security-Policy')];"
        "r = Client(HTTP_HOST='campaignops.example.com').get('/api/v1/campaigns/');"
        "print(r.status_code, r.get('Location', ''))"
    )
    clean = {k: v for k, v in __import__("os").environ.items() if k not in TEST_ONLY_VARIABLES}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**clean, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )

    status, hsts, frame, sniff, referrer, csp, plain = result.stdout.strip().splitlines()[-7:]
    assert status == "401", result.stderr
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert (frame, sniff, referrer) == ("DENY", "nosniff", "same-origin")
    assert "default-src 'self'" in csp
    assert plain == "301 https://campaignops.example.com/api/v1/campaigns/"


# Secrets never in logs, stored errors, history tables or admin ----------------------------


@pytest.fixture
def wechat_api(settings, tmp_path):
    from tests.platforms import fake_wechat

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    server = fake_wechat.start()
    settings.WECHAT_API_BASE = server.url
    server.state["echo_request"] = True
    yield server
    server.shutdown()
    server.server_close()
    cache.clear()


def _every_stored_text() -> dict[str, str]:
    """Every row of every table, as text: where a leaked secret would sit."""
    texts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            columns = ", ".join(connection.ops.quote_name(f.column) for f in model._meta.concrete_fields)
            cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            texts[table] = repr(cursor.fetchall())
    return texts


@pytest.mark.django_db
def test_a_connector_failure_that_echoes_its_request_leaks_no_secret(
    wechat_api, team, users, caplog, django_user_model
):
    """Token call, publishing call and metric pull all fail with the request quoted back."""
    from analytics.models import AccountPullState
    from analytics.services import pulls
    from campaigns.content.models import ContentKind
    from campaigns.content.models import ContentStatus as C
    from campaigns.publishing import services as publishing
    from campaigns.publishing.models import Publication, PublicationAttempt
    from platforms.crypto import encrypt_credentials
    from platforms.models import ConnectorKind
    from platforms.services import account_health_check
    from tests.campaigns.content.factories import MediaAssetFactory
    from tests.campaigns.planning.factories import CampaignFactory, GoalFactory, KPIFactory
    from tests.campaigns.publishing.factories import approved_item, publication
    from tests.platforms import fake_wechat
    from tests.platforms.factories import platform, qualified_account

    caplog.set_level("DEBUG")
    account = qualified_account(
        team, "wechat_oa", handle="brand-wechat", connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT,
        credentials_ciphertext=encrypt_credentials(
            {"app_id": fake_wechat.APP_ID, "app_secret": fake_wechat.APP_SECRET}
        ),
    )
    today = timezone.localdate()
    campaign = CampaignFactory(
        team=team, owner=users["marketer"], status="running",
        start_date=today - datetime.timedelta(days=4), end_date=today + datetime.timedelta(days=30),
    )
    KPIFactory(goal=GoalFactory(campaign=campaign), metric="reads", platform=platform("wechat_oa"))
    item = approved_item(campaign, [account], kind=ContentKind.ARTICLE, status=C.SCHEDULED)
    item.media.set([MediaAssetFactory(team=team, title="Cover")])
    due = publication(item, account)

    # 1. The publishing call fails after a token was issued: the echo quotes the token.
    wechat_api.state["fail_paths"] = {"/cgi-bin/draft/add": 48001}
    publishing.publication_publish(publication_id=due.pk)
    token = wechat_api.valid_token()
    # 2. The token call itself fails: the echo quotes the app secret.
    cache.clear()
    wechat_api.state["token_error"] = 40125
    account_health_check(account=account)
    pulls.account_metrics_pull(account=account)

    echoed = [call for call in wechat_api.calls if call[0] == "/cgi-bin/draft/add"]
    assert echoed, "the publishing call reached the platform"
    assert "request echoed" in wechat_api.state["error_text"]
    secrets = {"app secret": fake_wechat.APP_SECRET, "access token": token}
    assert Publication.objects.get(pk=due.pk).status != "scheduled" or PublicationAttempt.objects.filter(
        publication=due).exists()
    assert PublicationAttempt.objects.filter(publication=due).exclude(error_code="").exists()
    assert AccountPullState.objects.get(account=account).consecutive_failures == 1

    leaks = {
        (where, name)
        for where, text in {"logs": caplog.text, **_every_stored_text()}.items()
        for name, secret in secrets.items()
        if secret in text or "request echoed" in text
    }
    assert leaks == set()

    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    admin = Client()
    admin.force_login(root)
    pages = [
        reverse("admin:platforms_platformaccount_change", args=[account.pk]),
        reverse("admin:platforms_platformaccount_history", args=[account.pk]),
        reverse("admin:publishing_publication_change", args=[due.pk]),
        reverse("admin:publishing_publication_history", args=[due.pk]),
        reverse("admin:publishing_publicationattempt_changelist"),
        reverse("admin:analytics_accountpullstate_changelist"),
        reverse("admin:teams_auditevent_changelist"),
    ]
    shown = {}
    for page in pages:
        response = admin.get(page)
        body = response.content.decode()
        shown[page] = (response.status_code, [n for n, s in secrets.items() if s in body])
    assert shown == {page: (200, []) for page in pages}
