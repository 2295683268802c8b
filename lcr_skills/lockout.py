"""What someone locked out of signing in is told (django-axes calls `lockout_response`)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse

LOCKED_OUT = "locked_out"


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Too many failed attempts to sign in ({settings.AXES_FAILURE_LIMIT}). "
        f"Try again in {minutes} minutes, or ask the apprenticeship hub to unlock your account."
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """429 with the reason: JSON for the API, the sign-in page showing its lockout error for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=429)
    form = original_response.context_data.get("form") if isinstance(original_response, TemplateResponse) else None
    if form is not None and form.has_error("__all__", LOCKED_OUT):
        original_response.status_code = 429
        return original_response
    return render(request, "registration/locked_out.html", {"message": lockout_message()}, status=429)
