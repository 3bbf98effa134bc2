import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from teams.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = {"/healthz", "/readyz", "/accounts/login/", "/i18n/setlang/"}


def _concrete_paths(resolver=None, prefix=""):
    """Every URL without parameters, to prove none is open to anonymous users."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if any(ch in route for ch in "<(^$?"):
            continue
        if isinstance(entry, URLResolver):
            yield from _concrete_paths(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route


def test_every_page_and_endpoint_requires_login(client):
    checked = 0
    for path in _concrete_paths():
        if path in PUBLIC_PATHS or path.startswith("/admin/") or path.startswith("/static/"):
            continue
        response = client.get(path)
        checked += 1
        if path.startswith("/api/"):
            assert response.status_code == 401, path
        else:
            assert response.status_code == 302, path
            assert response["Location"].startswith("/accounts/login/"), path
    assert checked >= 8


def test_admin_requires_staff_login(client, users):
    assert client.get("/admin/").status_code == 302
    client.force_login(users[Role.MARKETER])
    assert client.get("/admin/").status_code == 302
    client.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200


def test_wrong_password_shows_a_clear_message(client):
    UserFactory(username="marketer1")

    with translation.override("en"):
        response = client.post(
            "/accounts/login/", {"username": "marketer1", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
        )

    assert response.status_code == 200
    assert "username or password is not correct" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_repeated_failures_lock_the_account_with_a_message(client, settings):
    UserFactory(username="target")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/accounts/login/", {"username": "target", "password": "nope"})
        assert response.status_code == 200

    locked = client.post("/accounts/login/", {"username": "target", "password": "nope"})
    still_locked = client.post("/accounts/login/", {"username": "target", "password": "pw-for-tests"})

    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert still_locked.status_code == 429


def test_correct_password_logs_in(client):
    UserFactory(username="ok-user")

    response = client.post("/accounts/login/", {"username": "ok-user", "password": "pw-for-tests"})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_password_change_page_changes_the_password(client):
    user = UserFactory(username="changer")
    client.force_login(user)

    response = client.post(
        "/accounts/password/",
        {"old_password": "pw-for-tests", "new_password1": "Xq9!long-pass", "new_password2": "Xq9!long-pass"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xq9!long-pass")


def test_unknown_url_gives_translated_404_page(client, users):
    client.force_login(users[Role.MARKETER])

    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_language_choice_persists_in_a_cookie(client, users):
    client.force_login(users[Role.MARKETER])

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/team/tasks/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    chinese = client.get("/team/tasks/").content.decode()

    assert "My tasks" in english
    assert "我的任务" in chinese


def test_chinese_is_the_default_language(client, users):
    client.force_login(users[Role.MARKETER])

    page = client.get("/team/tasks/").content.decode()

    assert '<html lang="zh-hans">' in page
    assert "计划" in page
