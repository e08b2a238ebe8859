"""The form a budget manager uses to give someone a role in their own municipality."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buurtbudget.areas.models import Area
from buurtbudget.tenancy.models import Municipality

from .forms import AccountEmailField
from .models import Role


class AssignRoleForm(forms.Form):
    email = AccountEmailField(
        label=_("The person's e-mail address"),
        help_text=_("The person must already have an account."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("The whole municipality"),
        help_text=_("Leave empty for the whole municipality."),
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only this municipality's areas can be chosen: another tenant's area is "not a valid choice".
        self.fields["area"].queryset = Area.objects.filter(municipality=municipality).order_by("path")  # type: ignore[attr-defined]
