"""For the "How to apply" and "Get e-mail alerts" includes, wherever they are included."""

from django import template
from django.conf import settings

from apprenticeships.forms.applications import AlertForm, ApplicationForm
from apprenticeships.services.applications import vacancy_is_open

register = template.Library()


@register.simple_tag(takes_context=True)
def application_form(context: template.Context) -> ApplicationForm:
    """The page's bound application form (with its errors), or an empty one."""
    return context.get("apply_form") or ApplicationForm()


@register.simple_tag
def alert_form() -> AlertForm:
    return AlertForm()


@register.filter
def is_open(vacancy: object) -> bool:
    return vacancy_is_open(vacancy)


@register.simple_tag
def retention_months() -> int:
    return settings.APPLICATION_RETENTION_MONTHS
