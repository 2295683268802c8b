"""Error pages for requests that can't even be read, and the state-conflict error services raise."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

from lcr_skills.input_limits import UploadTooLarge


class Conflict(Exception):
    """What was asked can't be done in the object's current state: the API answers 409 with the message.

    Defined below both apps so that the API's error handler (in apprenticeships) maps an upper app's
    conflicts without importing it; a subclass adds what the client needs to retry in `fields()`.
    """

    def fields(self) -> dict[str, object]:
        """More of the 409 body, after its `detail` (e.g. the object's status now)."""
        return {}


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
