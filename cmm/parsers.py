"""The API's JSON parser: a document nested deeper than any input of ours is refused with 400, not a 500."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# The deepest input the API takes is two levels (a referral's person and its lists); this leaves room.
JSON_MAX_DEPTH = 32


def _depth_exceeds(document, limit: int) -> bool:
    """Whether objects and arrays nest deeper than `limit`, walked without recursion."""
    pending = [(document, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            document = super().parse(stream, media_type, parser_context)
            too_deep = _depth_exceeds(document, JSON_MAX_DEPTH)
        except RecursionError:  # the standard library's decoder recurses once per level
            too_deep = True
        if too_deep:
            raise ParseError(
                _("JSON-dokumentet er indlejret for dybt (højst %(depth)s niveauer).") % {"depth": JSON_MAX_DEPTH}
            )
        return document
