"""The budget manager's form for the municipality's own contact details and colours."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Municipality


class MunicipalitySettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Municipality
        fields = ["contact_email", "contact_phone", "website", "address", "primary_colour", "accent_colour"]
        widgets = {
            "primary_colour": forms.TextInput(attrs={"type": "color"}),
            "accent_colour": forms.TextInput(attrs={"type": "color"}),
        }
        help_texts = {
            "primary_colour": _(
                "Colour of the header bar and of links; must give at least 4.5:1 contrast with white."
            ),
            "accent_colour": _("Colour for accents; text on it must stay easy to read."),
        }
