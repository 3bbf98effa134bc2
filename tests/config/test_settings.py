import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The browser tests allow synchronous ORM calls next to Playwright's event loop;
# production must not inherit that, nor this run's debug settings.
TEST_ONLY_VARIABLES = {
    "DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMBEDDED",
    "CREDENTIALS_KEYS", "PSEUDONYM_KEY", "VAR_DIR",
}
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-for-tests-only-0123456789",
    "ALLOWED_HOSTS": "campaignops.example.com",
    "CREDENTIALS_KEYS": "q1l5b1Y2c4mJcB3vZ6Q0V1m4Y7pS2x9H8rT5uW3eA0k=",
    "PSEUDONYM_KEY": "p" * 40,
    "DATABASE_URL": "sqlite:////tmp/campaignops-deploy-check.sqlite3",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    env = {**PRODUCTION_ENV}
    env.pop("SECRET_KEY")

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_is_clean_behind_a_tls_proxy_that_redirects():
    env = {**PRODUCTION_ENV, "BEHIND_TLS_PROXY": "true", "SECURE_SSL_REDIRECT": "false"}

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_sends_security_headers():
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='campaignops.example.com').get('/healthz', secure=True);"
        "print(r['Strict-Transport-Security']); print(r['Content-Security-Policy']);"
        "print(r['X-Frame-Options'])"
    )
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**clean, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )

    hsts, csp, frame = result.stdout.strip().splitlines()
    assert "max-age=31536000" in hsts
    assert "default-src 'self'" in csp
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert frame == "DENY"


def test_embedded_defaults_need_no_server(settings):
    from django.conf import settings as live

    assert live.LANGUAGE_CODE == "zh-hans"
    assert live.TIME_ZONE == "Asia/Shanghai"
    if not os.environ.get("REDIS_URL"):
        assert live.CELERY_BROKER_URL == "filesystem://"
    if not os.environ.get("DATABASE_URL"):
        assert live.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="DATABASE_URL not set")
def test_database_url_selects_postgresql():
    from django.conf import settings as live

    assert live.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _embedded(tmp_path, *args: str, extra: dict | None = None) -> subprocess.CompletedProcess:
    """manage.py as `make run` starts it: no database or broker URL, a fresh var/."""
    clean = {
        k: v for k, v in os.environ.items()
        if k not in TEST_ONLY_VARIABLES | {"DATABASE_URL", "REDIS_URL"}
    }
    env = {**clean, "VAR_DIR": str(tmp_path / "var"), **(extra or {})}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_a_bare_start_is_not_debug_and_generates_its_secrets_once(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.EMBEDDED, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE);"
        "print(s.SECRET_KEY); print(s.CREDENTIALS_KEYS[0]); print(s.PSEUDONYM_KEY)"
    )
    first = _embedded(tmp_path, "shell", "-v", "0", "-c", code)
    second = _embedded(tmp_path, "shell", "-v", "0", "-c", code)

    assert first.returncode == 0, first.stderr
    words = first.stdout.split()
    flags, (secret, credentials, pseudonym) = words[:4], words[4:]
    assert flags == ["False", "True", "False", "False"]
    assert len(secret) >= 50
    assert "insecure" not in secret
    assert first.stdout == second.stdout  # generated once, read back afterwards
    secrets_dir = tmp_path / "var" / "secrets"
    assert sorted(p.name for p in secrets_dir.iterdir()) == [
        "credentials_keys", "pseudonym_key", "secret_key",
    ]
    assert all(p.stat().st_mode & 0o077 == 0 for p in secrets_dir.iterdir())
    assert credentials != pseudonym


def test_debug_true_is_the_developer_mode(tmp_path):
    code = "from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY)"
    result = _embedded(tmp_path, "shell", "-v", "0", "-c", code, extra={"DEBUG": "true"})

    assert result.stdout.split()[0] == "True"
    assert not (tmp_path / "var" / "secrets" / "secret_key").exists()


@pytest.mark.parametrize("missing", ["CREDENTIALS_KEYS", "PSEUDONYM_KEY"])
def test_production_refuses_to_start_without_each_key(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_seed_demo_refuses_a_production_installation_unless_forced():
    result = _manage("seed_demo", env=PRODUCTION_ENV)

    assert result.returncode != 0
    assert "--force" in result.stderr


@pytest.mark.django_db
def test_unknown_url_without_debug_is_the_translated_404_page(client, settings):
    settings.DEBUG = False
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("visitor"))
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    assert "URLconf" not in response.content.decode()


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_production_probes_answer_plain_http_with_any_host(path):
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        f"r = Client(HTTP_HOST='172.18.0.5:8000').get('{path}');"
        "print(r.status_code)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    env = {**clean, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "config.settings",
           "BEHIND_TLS_PROXY": "true", "DATABASE_URL": "sqlite:////tmp/campaignops-probe.sqlite3"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env,
    )

    # readyz may be 503 (no broker here): what matters is that it is not a
    # redirect to https (301) nor a refused host (400).
    assert result.stdout.strip() in {"200", "503"}, result.stdout + result.stderr


def test_other_production_paths_still_redirect_to_https():
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='campaignops.example.com').get('/accounts/login/');"
        "print(r.status_code, r['Location'])"
    )
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**clean, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )

    assert result.stdout.split() == ["301", "https://campaignops.example.com/accounts/login/"]
