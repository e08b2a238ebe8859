"""The response form of a consultation: shape only; the service checks who may respond."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Choice


class ResponseForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your advice"), choices=Choice.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you only give a comment. Do not write names or other personal details."),
    )
