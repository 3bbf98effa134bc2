"""Celery tasks (thin: ids in, one service each)."""

__all__: list[str] = []
