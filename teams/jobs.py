"""Handing work to Celery from a service: only once the transaction has committed.

A task enqueued inside a transaction may run before the rows it needs are
committed (and see nothing), or run although the transaction rolled back. Every
service that starts background work goes through ``enqueue_on_commit``.

The broker may be down when the transaction commits. The request that saved the
work must not fail for it (the rows are committed; a 500 would make the user
save them twice), and the work is not lost: every task sent from here has a
periodic job that finds the rows still waiting and sends them again (due
publications, the import sweeper, the hourly syncs, the lottery and expiry
checks). So a broker error is logged and the request goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` with JSON-safe arguments after the current transaction commits.

    Outside a transaction the task is sent at once (Django runs on-commit
    callbacks immediately in autocommit mode).
    """
    transaction.on_commit(lambda: send_or_leave_for_sweeper(task, args, kwargs))


def send_or_leave_for_sweeper(task: Task, args: tuple, kwargs: dict) -> bool:
    """Send the task; when the broker cannot be reached, log it and return False."""
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except OperationalError as error:
        logger.warning("broker unreachable, %s%r left for its periodic job: %s",
                       task.name, args, error)
        return False
    return True


def fan_out(task: Task, ids: Iterable[int], *args: Any) -> int:
    """Beat fan-out: send ``task(id, *args)`` per id; how many were sent.

    Stops at the first broker error: the next ids would meet the same broker,
    each waiting out its timeout, and the beat job would outlive its time
    limit. What was not sent waits for the job's next run, whose selector
    finds it again (each per-id task is idempotent).
    """
    sent = 0
    for pk in ids:
        if not send_or_leave_for_sweeper(task, (pk, *args), {}):
            logger.warning("broker unreachable, %s stopped after %s sent", task.name, sent)
            break
        sent += 1
    return sent
