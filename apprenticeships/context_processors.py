from django.conf import settings
from django.http import HttpRequest

from apprenticeships.permissions import user_role


def role(request: HttpRequest) -> dict:
    return {"user_role": user_role(request.user)}


def hub_contact(request: HttpRequest) -> dict:
    """The hub's contact details (settings.HUB_CONTACT_*), for every page that says "contact the hub"."""
    return {
        "hub_contact": {
            "name": settings.HUB_CONTACT_NAME,
            "email": settings.HUB_CONTACT_EMAIL,
            "phone": settings.HUB_CONTACT_PHONE,
            "hours": settings.HUB_CONTACT_HOURS,
        }
    }
