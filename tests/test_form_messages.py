"""Every form of the system tells the user what to do in their terms: never Django's stock error texts."""

import importlib

import pytest
from django import forms
from django.utils import translation

from cmm.forms import DkfdsForm

FORM_MODULES = ["accounts.forms", "cases.forms", "grants.forms", "identification.forms", "audit.forms", "intake.forms"]


def all_forms() -> list[type]:
    for name in FORM_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    found, todo = [], [DkfdsForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def stock_texts() -> set[str]:
    texts = set()
    for field_class in (forms.Field, forms.DateField, forms.DateTimeField, forms.TimeField, forms.IntegerField):
        texts |= {str(text) for text in field_class.default_error_messages.values()}
    return texts


@pytest.mark.parametrize("language", ["da", "en"])
def test_no_form_answers_empty_or_unreadable_input_with_a_stock_text(db, language):
    forms_found = all_forms()
    assert len(forms_found) > 5, "the forms were not found"
    with translation.override(language):
        stock = stock_texts()
        for form_class in forms_found:
            try:
                form = form_class(
                    data={name: "x" for name in form_class.base_fields if "date" in name or name == "days"}
                )
            except TypeError:
                continue  # a form that needs more than data (the user whose password is set): checked in its tests
            form.is_valid()
            texts = {str(message) for messages in form.errors.values() for message in messages}
            assert not texts & stock, f"{form_class.__name__}: {texts & stock}"
