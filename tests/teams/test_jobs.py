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
