"""`{{ field|utrecht_widget }}`: render a form field's widget with the NL Design System classes.

`as_widget` keeps Django's own aria-invalid and aria-describedby (help text and errors).
"""

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


def _classes(widget: forms.Widget, invalid: bool) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "utrecht-checkbox utrecht-checkbox--html-input"
    if isinstance(widget, forms.Select):
        base = "utrecht-select utrecht-select--html-select"
        return f"{base} utrecht-select--invalid" if invalid else base
    if isinstance(widget, forms.Textarea):
        base = "utrecht-textarea utrecht-textarea--html-textarea"
        return f"{base} utrecht-textarea--invalid" if invalid else base
    base = "utrecht-textbox utrecht-textbox--html-input"
    return f"{base} utrecht-textbox--invalid" if invalid else base


@register.filter
def utrecht_widget(field: forms.BoundField) -> SafeString:
    classes = _classes(field.field.widget, bool(field.errors))
    existing = field.field.widget.attrs.get("class")
    return field.as_widget(attrs={"class": f"{existing} {classes}" if existing else classes})


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)
