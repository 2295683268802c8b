"""Error pages that say what went wrong when a request can't even be read."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

from lcr_skills.input_limits import UploadTooLarge


def too_large_message() -> str:
    limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return f"The request is too large: send at most {limit} (not counting uploaded files)."


def request_too_large_message(exception: Exception) -> str:
    """Why a request was refused as too large: its files (the upload limit) or the rest of it."""
    return str(exception) if isinstance(exception, UploadTooLarge) else too_large_message()


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's handler400: 413 with the limit for an oversized request, else a plain 400."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return render(request, "400.html", {"message": request_too_large_message(exception)}, status=413)
    return render(request, "400.html", {"message": "The request could not be read."}, status=400)
