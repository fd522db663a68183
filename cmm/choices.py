"""get_FOO_display() for hot paths: list rows and the header of every page call it."""

from django.core.signals import setting_changed
from django.utils.translation import get_language

_label_tables: list[dict] = []


def choice_display(field_name: str, choices):
    """A get_FOO_display() that reads the labels from a dict built once per language.

    Django's own hashes and translates every label of the field on each call (30-60 µs with ten labels),
    and even one translated label costs a catalogue lookup (about 4 µs); list pages call it twice a row
    and every page's header for the signed-in user. Here a call is two dict lookups.
    """
    labels = dict(choices)
    by_language: dict[str, dict] = {}
    _label_tables.append(by_language)

    def get_display(self) -> str:
        value = getattr(self, field_name)
        language = get_language()
        names = by_language.get(language)
        if names is None:
            names = by_language[language] = {key: str(label) for key, label in labels.items()}
        return names[value] if value in names else str(value)

    return get_display


def _forget_labels(*, setting, **kwargs):
    # The catalogues changed (tests override these settings): translate the labels again.
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        for table in _label_tables:
            table.clear()


setting_changed.connect(_forget_labels)
