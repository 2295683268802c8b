from django.http import HttpRequest

from apprenticeships.permissions import user_role


def role(request: HttpRequest) -> dict:
    # The first part of the path ("vacancies", "employer", …) marks the current navigation item.
    return {"user_role": user_role(request.user), "nav_section": request.path.strip("/").split("/")[0]}
