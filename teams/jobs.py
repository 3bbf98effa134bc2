"""Handing work to Celery from a service: only once the transaction has committed.

A task enqueued inside a transaction may run before the rows it needs are
committed (and see nothing), or run although the transaction rolled back. Every
service that starts background work goes through ``enqueue_on_commit``.
"""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import transaction


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` with JSON-safe arguments after the current transaction commits.

    Outside a transaction the task is sent at once (Django runs on-commit
    callbacks immediately in autocommit mode).
    """
    transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))
