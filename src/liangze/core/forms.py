"""What every form of the platform shares: an empty required field names itself.

"This field is required" under a field leaves a non-technical user to work out which one and
what to do; "请填写问题描述" / "请选择行政区划" says both, also where the message is shown away
from its field (a message list, the top of a form)."""

from django import forms
from django.utils.translation import gettext as _

GENERIC_REQUIRED = forms.Field.default_error_messages["required"]
_CHOSEN = (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.FileInput)


def required_message(field: forms.Field) -> str:
    """'Fill in <label>.' for typed input, 'Choose <label>.' for a choice or a file."""
    label = str(field.label).strip().rstrip("?？:：")
    if isinstance(field.widget, _CHOSEN) or isinstance(field, forms.BooleanField):
        return _("Choose %(field)s.") % {"field": label}
    return _("Fill in %(field)s.") % {"field": label}


def name_required_fields(form: forms.BaseForm) -> None:
    """Give each required, labelled field of `form` a message naming it, unless the field
    already has a message of its own."""
    for field in form.fields.values():
        if not field.required or field.label is None:
            continue
        if str(field.error_messages.get("required")) != str(GENERIC_REQUIRED):
            continue
        field.error_messages = {**field.error_messages, "required": required_message(field)}


class NamedRequiredMixin:
    """Put first among a form's bases: `class MyForm(NamedRequiredMixin, forms.Form)`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_required_fields(self)
