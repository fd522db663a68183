from django import template

from repatriation import queries

register = template.Library()


@register.simple_tag
def support_items(case):
    """The case's reintegration support items, from the JSON its page's query brought along (no query of its own)."""
    return queries.support_items(case)
