"""API wiring: the ``/api/v1/`` root, JSON errors for every failure."""

import logging

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("campaignops.api")


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
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            {"detail": _("The server could not complete this request.")},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return response


def json_not_found(request, exception=None):
    return JsonResponse({"detail": _("Not found.")}, status=404)


def json_server_error(request):
    return JsonResponse(
        {"detail": _("The server could not complete this request.")}, status=500
    )
