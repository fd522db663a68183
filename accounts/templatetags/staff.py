"""{{ member|shown_to:user }}: a member of staff as the signed-in user may see them (external roles: the agency)."""

from django import template

register = template.Library()


@register.filter
def shown_to(member, viewer) -> str:
    return member.shown_to(viewer) if member is not None else ""
