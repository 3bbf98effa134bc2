"""API wiring: the ``/api/v1/`` root, JSON errors for every failure."""

import logging
import math

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("campaignops.api")


class StillInUse(exceptions.APIException):
    """A delete refused because other records still point at the object (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "still_in_use"


def exception_handler(exc, context):
    """Turn every error into JSON: field errors or ``detail``, never HTML.

    Services raise Django's ``ValidationError``; here it becomes a 400 with the
    same field errors a serializer would give.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args[:1])
    elif isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        # Raised by Django's body parsers on an oversized request: the caller's fault.
        exc = exceptions.ParseError(_("The request is too large or has too many fields."))
    elif isinstance(exc, ProtectedError | RestrictedError):
        # Deleting, say, an account that content and publications still use: the
        # database keeps them, and the caller learns why instead of seeing a 500.
        exc = StillInUse(_("Other records still use this, so it cannot be deleted."))
    elif isinstance(exc, RecursionError):
        # A parser other than config.parsers.SafeJSONParser met deeply nested input.
        exc = exceptions.ParseError(_("The request is nested too deeply."))
    elif isinstance(exc, OverflowError):
        # A date or number the caller sent that no calendar or column holds
        # (year 1 moved to UTC, a 30-digit id): their input, not a server fault.
        exc = exceptions.ParseError(_("A date or number in the request is out of range."))
    elif isinstance(exc, OperationalError | InterfaceError):
        # The database is away (restarting, failed over): an outage, not a bug.
        logger.error("API request without a database: %s", exc)
        return Response(
            {"detail": database_unavailable_detail()}, status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER)},
        )
    elif isinstance(exc, exceptions.Throttled):
        # DRF would append an untranslated "Expected available in …" to the detail.
        wait = exc.wait
        exc = exceptions.Throttled()
        exc.detail = exceptions.ErrorDetail(_throttled_detail(wait), code="throttled")
        exc.wait = wait
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            {"detail": _("The server could not complete this request.")},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return response


def _throttled_detail(wait: float | None) -> str:
    if wait is None:
        return _("Too many requests; try again later.")
    seconds = max(1, math.ceil(wait))
    return ngettext(
        "Too many requests; try again in %(seconds)s second.",
        "Too many requests; try again in %(seconds)s seconds.",
        seconds,
    ) % {"seconds": seconds}


# Seconds a client is asked to wait before trying again when the database is away.
DATABASE_RETRY_AFTER = 30


def database_unavailable_detail() -> str:
    return _("The service is briefly unavailable. Please try again in a moment.")


def json_database_unavailable(request):
    response = JsonResponse({"detail": database_unavailable_detail()}, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


def json_not_found(request, exception=None):
    return JsonResponse({"detail": _("Not found.")}, status=404)


def json_server_error(request):
    return JsonResponse(
        {"detail": _("The server could not complete this request.")}, status=500
    )
