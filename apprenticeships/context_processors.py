from django.http import HttpRequest

from apprenticeships.permissions import user_role


def role(request: HttpRequest) -> dict:
    return {"user_role": user_role(request.user)}
