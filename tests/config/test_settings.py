import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The browser tests allow synchronous ORM calls next to Playwright's event loop;
# production must not inherit that, nor this run's debug settings.
TEST_ONLY_VARIABLES = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-for-tests-only-0123456789",
    "ALLOWED_HOSTS": "campaignops.example.com",
    "CREDENTIALS_KEYS": "q1l5b1Y2c4mJcB3vZ6Q0V1m4Y7pS2x9H8rT5uW3eA0k=",
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
