from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's recipe); cleans to a list."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        one = super().clean
        if isinstance(data, (list, tuple)):
            return [one(item, initial) for item in data if item]
        return [one(data, initial)] if data else []


class ReportForm(forms.Form):
    what_happened = forms.CharField(
        label=_("What happened?"),
        help_text=_("Tell what you did, what went well and what did not."),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    participants = forms.IntegerField(label=_("How many people took part?"), min_value=0, max_value=1_000_000)
    spending_notes = forms.CharField(
        label=_("Notes on the spending"),
        required=False,
        max_length=10_000,
        help_text=_("For example why something cost more or less than planned."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        help_text=_("JPEG or PNG, at most 10 photos of 10 MB each."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class SettleForm(forms.Form):
    clawback = forms.CharField(
        label=_("Amount to claw back (euro)"),
        required=False,
        help_text=_("Only when the spending did not follow the award. Leave empty for none."),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_clawback(self) -> int:
        raw = (self.cleaned_data.get("clawback") or "").strip().replace("€", "").replace(" ", "")
        if not raw:
            return 0
        if "," in raw:
            raw = raw.replace(".", "").replace(",", ".")
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            raise forms.ValidationError(_("Enter an amount like 12,50.")) from None
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Enter an amount like 12,50."))
        return int(amount * 100)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
