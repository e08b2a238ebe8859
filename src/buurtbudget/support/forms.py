from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buurtbudget.accounts.models import Role, User
from buurtbudget.tenancy.models import Municipality

from .models import DIMENSIONS, SupportNeed


class ActieCheckForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        note = self.fields.pop("note")
        for name, label, help_text in DIMENSIONS:
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                help_text=help_text,
                choices=SupportNeed.choices,
                coerce=int,
                widget=forms.RadioSelect(
                    attrs={"class": "utrecht-radio-button utrecht-radio-button--html-input"}
                ),
            )
        self.fields["note"] = note


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note for the regiegroep"),
        help_text=_("Only the regiegroep, budget managers and contact officials see this, never the public."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AssignForm(forms.Form):
    official = forms.ModelChoiceField(label=_("Contact official"), queryset=User.objects.none())
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=500,
        help_text=_("Needed when the initiative already has a contact official."),
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["official"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            User.objects.filter(
                is_active=True,
                role_assignments__municipality=municipality,
                role_assignments__role=Role.CONTACT_OFFICIAL,
            )
            .distinct()
            .order_by("name", "email")
        )
