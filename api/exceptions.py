"""Every error the API returns is a 400/403/404/422 with messages per field, never a 500 for bad input."""

import math

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from geo_meldpunt.core.errors import ApplicationError

# Refusals that are not about the input's form: the input is well-formed but conflicts with what was filed.
STATUS_BY_CODE = {"idempotency_key_reused": status.HTTP_422_UNPROCESSABLE_ENTITY}


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        key = exc.field or "non_field_errors"
        return Response({key: [exc.message]}, status=STATUS_BY_CODE.get(exc.code, status.HTTP_400_BAD_REQUEST))
    response = drf_exception_handler(exc, context)
    if isinstance(exc, Throttled) and response is not None:
        # 429 with Retry-After (DRF sets it from exc.wait); the message says when, in the request's language.
        seconds = max(1, math.ceil(getattr(exc, "wait", None) or 60))
        response.data = {
            "detail": _("Too many requests from your connection. Please try again in %(seconds)d seconds.")
            % {"seconds": seconds},
            "code": "throttled",
        }
        response["Retry-After"] = str(seconds)
    return response
