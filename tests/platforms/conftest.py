"""Fixtures of the platforms tests: the local WeChat and Weibo stand-ins, eager Celery retries."""

import pytest
from django.core.cache import cache

from . import fake_wechat, fake_weibo


@pytest.fixture
def server():
    """A local api.weixin.qq.com (tests/platforms/fake_wechat.py), with a clean token cache."""
    cache.clear()
    srv = fake_wechat.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    cache.clear()


@pytest.fixture
def weibo_server():
    """A local api.weibo.com (tests/platforms/fake_weibo.py), with a clean token cache."""
    cache.clear()
    srv = fake_weibo.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    cache.clear()


@pytest.fixture
def eager_retries():
    """Eager tasks run their retries at once, as a worker would run them later.

    With ``task_eager_propagates`` Celery raises ``Retry`` out of an eager task
    instead of running the retry, so retrying tasks switch it off here.
    """
    from config.celery import app

    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = propagates
