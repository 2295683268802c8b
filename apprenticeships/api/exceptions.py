"""Business-rule errors from services become ordinary API errors: 400 with field messages, 409 for a state conflict."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lcr_skills.errors import Conflict, request_too_large_message


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return Response({"detail": request_too_large_message(exc)}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, Conflict):  # a vacancy's or offer's state, matching's DecisionConflict …
        return Response({"detail": str(exc), **exc.fields()}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)
