from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from . import validators as checks

# Dates and times come from the browser's pickers; typed by hand, this is what they must look like.
DATE_INVALID = _("Skriv datoen som dag, måned og år, for eksempel 4.5.2026.")
TIME_INVALID = _("Skriv klokkeslættet som timer og minutter, for eksempel 14:30.")
DATETIME_INVALID = _("Skriv dato og klokkeslæt, for eksempel 2.12.2026 14:30.")


class DkfdsFormRenderer(TemplatesSetting):
    """Render every form with the Danish common design system's markup (errors beside each field)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


WIDGET_CLASSES = {
    forms.CheckboxInput: "form-checkbox",
    forms.CheckboxSelectMultiple: "",
    forms.RadioSelect: "",
    forms.Select: "form-select",
    forms.Textarea: "form-input",
    forms.widgets.Input: "form-input",
}


def required_message(field: forms.Field) -> str:
    """What to do about an empty required field, naming it: never Django's "Dette felt er påkrævet"."""
    label = str(field.label or "")
    if label[1:2].islower():  # "Afgørelsen" reads "afgørelsen" mid-sentence; "CPR-nummer" stays as it is
        label = label[0].lower() + label[1:]
    if isinstance(field.widget, forms.CheckboxInput):
        return _("Markér “%(label)s”.") % {"label": field.label}
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
        return _("Vælg %(label)s.") % {"label": label}
    return _("Udfyld %(label)s.") % {"label": label}


# Django's own texts for a date, a time or a number that cannot be read, in the user's terms.
INVALID_MESSAGES = {
    forms.DateTimeField: DATETIME_INVALID,
    forms.DateField: DATE_INVALID,
    forms.TimeField: TIME_INVALID,
    forms.IntegerField: _("Skriv et helt tal, for eksempel 30."),
}


class DkfdsForm(forms.Form):
    """Give every widget the design system's class; errors and hints are linked for screen readers.

    A form's own error texts stay; where it has none, an empty required field or an unreadable date or number
    gets a text that names the field and says what to do, not Django's stock text.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.error_messages.get("required") is forms.Field.default_error_messages["required"]:
                field.error_messages["required"] = required_message(field)
            for field_class, text in INVALID_MESSAGES.items():
                if isinstance(field, field_class):
                    stock = field_class.default_error_messages.get("invalid")
                    if field.error_messages.get("invalid") is stock:
                        field.error_messages["invalid"] = text
                    break
            for widget_class, css in WIDGET_CLASSES.items():
                if isinstance(field.widget, widget_class):
                    if css:
                        field.widget.attrs.setdefault("class", css)
                    break

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                described_by = f"id_{name}_error"
                if self.fields[name].help_text:
                    described_by += f" id_{name}_helptext"
                self.fields[name].widget.attrs["aria-describedby"] = described_by


class VersionedForm(DkfdsForm):
    """A form that writes to a case carries the version the user saw, so a stale write is caught.

    Given the case, it runs the domain's own checks too (`domain_problems`, the functions the service calls), so
    that every problem is reported in one pass, not one round after another.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=checks.VERSION_MAX)

    def __init__(self, *args, case=None, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)

    def domain_problems(self, data: dict) -> list:
        """The service's checks of this input (DomainErrors with a message and a field), each run on its own."""
        return []

    def clean(self):
        data = super().clean()
        if self.case is not None:
            for problem in self.domain_problems(data):
                field = problem.field if problem.field in self.fields and problem.field not in self.errors else None
                self.add_error(field, problem.message)
        return data


class OneLineField(forms.CharField):
    """A name or other one-line text: no control characters, bidirectional controls or line breaks."""

    default_validators = [checks.one_line_text]


class FreeTextField(forms.CharField):
    """A free text (notes, circumstances, reasons): a text area, line breaks kept, length limited."""

    default_validators = [checks.free_text]

    def __init__(self, *, rows: int = 4, max_length: int = checks.TEXT_MAX_LENGTH, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(max_length=max_length, **kwargs)
