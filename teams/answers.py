"""Rendered API answers kept under keys that name their content.

A door that can name everything its answer depends on (the teams the caller
sees, their tags, the address; ``campaigns.planning.selectors.campaign_list_cache_key``)
stores the rendered bytes here. Such a key never meets other content, so each
process keeps the answers it used last in its own memory, in front of the shared
cache (Redis in production, where the other processes find them): a repeated
request then needs neither. A shared cache that cannot be reached only costs time:
the door computes the answer, as it would without a cache.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from django.core.cache import cache

logger = logging.getLogger(__name__)

# Per process: 256 answers of a page of 50 campaigns are about 6 MB.
LOCAL_ANSWERS = 256
SHARED_SECONDS = 3600


class AnswerCache:
    """A process's recently used answers, in front of Django's cache."""

    def __init__(self, size: int = LOCAL_ANSWERS, shared_seconds: int = SHARED_SECONDS):
        self.size = size
        self.shared_seconds = shared_seconds
        self._local: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()  # gunicorn's gthread workers share the process

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._local.get(key)
            if body is not None:
                self._local.move_to_end(key)
                return body
        try:
            body = cache.get(key)
        except Exception:  # noqa: BLE001 - an unreachable cache only costs time
            logger.warning("Answer cache unreadable", exc_info=True)
            return None
        if body is not None:
            self._remember(key, body)
        return body

    def put(self, key: str, body: bytes) -> None:
        self._remember(key, body)
        try:
            cache.set(key, body, timeout=self.shared_seconds)
        except Exception:  # noqa: BLE001 - an unreachable cache only costs time
            logger.warning("Answer cache unwritable", exc_info=True)

    def clear_local(self) -> None:
        with self._lock:
            self._local.clear()

    def _remember(self, key: str, body: bytes) -> None:
        with self._lock:
            self._local[key] = body
            self._local.move_to_end(key)
            while len(self._local) > self.size:
                self._local.popitem(last=False)


answers = AnswerCache()
