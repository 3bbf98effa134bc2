from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_file_has_every_service_with_its_command_and_health():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]

    assert {"postgres", "redis", "web", "worker-default", "worker-sync", "beat"} <= set(services)
    assert services["web"]["command"][0] == "gunicorn"
    for queue in ("default", "sync"):
        command = services[f"worker-{queue}"]["command"]
        assert command[:4] == ["celery", "-A", "config", "worker"]
        assert command[command.index("-Q") + 1] == queue
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    for name in ("postgres", "redis", "web", "worker-default", "worker-sync"):
        assert "healthcheck" in services[name], name
    assert {"pgdata", "redisdata", "media"} <= set(compose["volumes"])
    env = services["web"]["environment"]
    assert env["DEBUG"] == "false"
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert env["DATABASE_URL"].startswith("postgres://")


def test_dockerfile_runs_gunicorn_as_an_unprivileged_user():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert dockerfile.startswith("FROM python:3.11")
    assert "USER campaignops" in dockerfile
    assert "collectstatic" in dockerfile
    assert '"gunicorn", "config.wsgi:application"' in dockerfile


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]

    assert [line.strip() for line in first_block.strip().splitlines()[1:]] == ["make run", "make test"]


def test_compose_has_no_default_for_any_secret():
    text = (ROOT / "docker-compose.yml").read_text()

    for name in ("SECRET_KEY", "CREDENTIALS_KEYS", "PSEUDONYM_KEY", "POSTGRES_PASSWORD"):
        assert f"${{{name}:?" in text, name
        assert f"${{{name}:-" not in text, name
