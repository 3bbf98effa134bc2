"""Test settings: the embedded settings with the slow or shared parts swapped.

The suite runs as the embedded mode does (plain http, local secrets), also on
PostgreSQL and Redis in CI; fixed test keys keep var/ untouched.
"""

import os

os.environ.setdefault("EMBEDDED", "true")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("CREDENTIALS_KEYS", "q1l5b1Y2c4mJcB3vZ6Q0V1m4Y7pS2x9H8rT5uW3eA0k=")
os.environ.setdefault("PSEUDONYM_KEY", "test-only-pseudonym-key")

from .settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tests",
    }
}
# Tests that are about Celery itself switch this off and run a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
