"""Liveness and readiness probes for load balancers and orchestrators."""

import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger("campaignops.health")


@login_not_required
@never_cache
@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker() -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        # The filesystem transport "connects" without touching its folder.
        if conn.transport_cls == "filesystem":
            folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
            if not os.access(folder, os.W_OK):
                raise PermissionError(f"broker folder {folder} is not writable")


def _check_cache() -> None:
    cache.set("readyz-probe", "1", timeout=10)
    if cache.get("readyz-probe") != "1":
        raise RuntimeError("cache did not return the value just written")


CHECKS = {"database": _check_database, "broker": _check_broker, "cache": _check_cache}


@login_not_required
@never_cache
@require_GET
def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - a probe reports any failure
            logger.warning("readiness check %s failed: %s", name, exc)
            results[name] = {"ok": False, "error": str(exc)[:200]}
        else:
            results[name] = {"ok": True}
    ready = all(r["ok"] for r in results.values())
    return JsonResponse(
        {"ready": ready, "checks": results}, status=200 if ready else 503
    )
