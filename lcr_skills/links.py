"""Absolute links for e-mails, which have no request to take the host from."""

from django.conf import settings
from django.urls import reverse


def site_url(viewname: str, *args: object) -> str:
    """The full address of a page on this service (SITE_URL and the page's path)."""
    return f"{settings.SITE_URL}{reverse(viewname, args=args)}"
