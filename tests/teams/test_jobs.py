"""Work handed to Celery only after the transaction that asked for it commits."""

import pytest
from celery import shared_task
from django.db import transaction

from teams.jobs import enqueue_on_commit

pytestmark = pytest.mark.django_db

SEEN: list[str] = []


@shared_task
def remember_task(word: str) -> None:
    SEEN.append(word)


@pytest.fixture(autouse=True)
def _clear():
    SEEN.clear()


def test_the_task_runs_after_commit_not_before(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit(remember_task, "committed")
        assert SEEN == []

    assert len(callbacks) == 1
    assert SEEN == ["committed"]


def test_a_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    def failing_service():
        with transaction.atomic():
            enqueue_on_commit(remember_task, "rolled back")
            raise RuntimeError("the service failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, \
            pytest.raises(RuntimeError):
        failing_service()

    assert callbacks == []
    assert SEEN == []


def test_an_unreachable_broker_is_logged_and_the_request_goes_on(
        caplog, django_capture_on_commit_callbacks):
    """The rows are committed; the periodic job that finds them waiting sends them later."""
    from celery import Celery

    app = Celery("unreachable", broker="redis://127.0.0.1:1/0", set_as_current=False)
    app.conf.broker_connection_timeout = 1

    @app.task(name="tests.teams.lost_task")
    def lost_task(word: str) -> None:  # pragma: no cover - never delivered
        SEEN.append(word)

    with caplog.at_level("WARNING", logger="teams.jobs"), \
            django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit(lost_task, "saved")

    assert len(callbacks) == 1
    assert SEEN == []
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "broker unreachable, tests.teams.lost_task('saved',) left for its periodic job"]


class _Listener:
    """A TCP server that accepts connections and never answers: a hung Redis."""

    def __init__(self):
        import socket
        import threading

        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        self.accepted: list = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _address = self.server.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self):
        for connection in self.accepted:
            connection.close()
        self.server.close()


def test_a_beat_fan_out_stops_at_a_broker_that_never_answers(caplog, settings):
    """Without a socket timeout the first send would wait for ever; then the rest are left."""
    import time

    from celery import Celery

    from teams.jobs import fan_out

    hung = _Listener()
    try:
        app = Celery("hung", broker=f"redis://127.0.0.1:{hung.port}/0", set_as_current=False)
        app.conf.broker_transport_options = {
            "socket_timeout": 0.5, "socket_connect_timeout": 0.5,
        }
        app.conf.broker_connection_timeout = 0.5

        @app.task(name="tests.teams.hung_task")
        def hung_task(pk: int, day: str) -> None:  # pragma: no cover - never delivered
            SEEN.append(f"{pk} {day}")

        began = time.monotonic()
        with caplog.at_level("WARNING", logger="teams.jobs"):
            sent = fan_out(hung_task, [11, 12, 13], "2026-12-01")
        elapsed = time.monotonic() - began
    finally:
        hung.close()

    assert sent == 0
    assert SEEN == []
    assert elapsed < 15  # one send's retries, not three
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "broker unreachable, tests.teams.hung_task(11, '2026-12-01') left for its periodic job",
        "broker unreachable, tests.teams.hung_task stopped after 0 sent",
    ]


def test_a_fan_out_sends_each_id_with_the_shared_arguments():
    from teams.jobs import fan_out

    assert fan_out(remember_task, ["a", "b"]) == 2
    assert SEEN == ["a", "b"]


def test_the_redis_clients_give_up_on_a_silent_server():
    """A Redis that stops answering is an error after REDIS_SOCKET_TIMEOUT, everywhere."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "from django.conf import settings as s;"
        "o = s.CELERY_BROKER_TRANSPORT_OPTIONS;"
        "print(o['socket_timeout'], o['socket_connect_timeout'], o['visibility_timeout']);"
        "print(s.CELERY_REDIS_SOCKET_TIMEOUT, s.CELERY_REDIS_SOCKET_CONNECT_TIMEOUT);"
        "c = s.CACHES['default']['OPTIONS'];"
        "print(c['socket_timeout'], c['socket_connect_timeout'])"
    )
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings",
        "REDIS_URL": "redis://127.0.0.1:6379/15", "REDIS_SOCKET_TIMEOUT": "2.5",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["2.5 2.5 3600", "2.5 2.5", "2.5 2.5"]
