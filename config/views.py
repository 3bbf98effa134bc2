import sys

from django.db import InterfaceError, OperationalError
from django.shortcuts import render

from .api import DATABASE_RETRY_AFTER, json_database_unavailable, json_not_found, json_server_error


def not_found(request, exception=None):
    if request.path_info.startswith("/api/"):
        return json_not_found(request, exception)
    return render(request, "404.html", status=404)


def server_error(request):
    # Django calls this handler while the exception is being handled, from any
    # layer (a view, the session a middleware loads): a lost database is the
    # operator's outage, not a bug, and the reader is told so (503).
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    if request.path_info.startswith("/api/"):
        return json_server_error(request)
    return render(request, "500.html", status=500)


def database_unavailable(request):
    """503 with ``Retry-After``: JSON under ``/api/``, else a page that reads no data."""
    if request.path_info.startswith("/api/"):
        return json_database_unavailable(request)
    response = render(request, "503.html", status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response
