"""Histories on pages: who did something, as the person reading the page may see them (issue 12)."""

from django import template
from django.contrib.auth.models import User

from apprenticeships.history import ShownActor, actor_shown

register = template.Library()


@register.simple_tag(takes_context=True)
def shown_actor(context: template.Context, actor: User | None, role: str | None = None) -> ShownActor:
    """{% shown_actor step.by as who %}: the role always, the name only to hub staff or the actor's colleagues."""
    return actor_shown(actor=actor, reader=context["request"].user, role=role or None)
