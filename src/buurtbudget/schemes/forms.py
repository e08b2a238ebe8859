"""The budget manager's forms for voucher schemes and their rules (every rule of SPEC §3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buurtbudget.areas.models import Area

from .models import DEFAULT_RULES, EXCLUDED_PURPOSES, Intake

RULE_LABELS: dict[str, Any] = {
    "residents_only": _("Only residents of the area may submit"),
    "min_age": _("Minimum age"),
    "parental_consent_below_age": _("A parent must agree below this age"),
    "co_initiators_needed": _("Co-initiators needed"),
    "supporters_needed": _("Supporters needed"),
    "voucher_min_cents": _("Minimum amount per initiative (euro)"),
    "voucher_max_cents": _("Maximum amount per initiative (euro)"),
    "consultation_threshold_cents": _("Neighbourhood consultation above (euro)"),
    "legal_entity_above_cents": _("Legal entity needed above (euro)"),
    "overhead_cap_percent": _("Overhead cap (percent of the scheme's budget)"),
    "support_party_cap_percent": _("Support party cap (percent of an award)"),
    "volunteer_allowance_cents_per_hour": _("Volunteer allowance per hour (euro)"),
    "professional_rate_max_cents_per_hour": _("Maximum professional rate per hour, excl. VAT (euro)"),
    "cash_withdrawal_cap_cents": _("Maximum cash withdrawal (euro)"),
    "excluded_purposes": _("Excluded purposes"),
    "decision_term_days": _("Decision term (days)"),
    "decision_term_extension_days": _("Extension of the decision term, once (days)"),
    "execution_term_days": _("Execution term after the award (days)"),
    "accounting_term_days": _("Accounting term after execution (days)"),
    "detailed_report_from_cents": _("Detailed report from (euro)"),
    "receipts_retention_years": _("Keep receipts (years)"),
}

PURPOSE_LABELS = {
    "commercial_gain": _("making a profit"),
    "political_or_religious": _("political or religious purposes"),
    "recurring_costs": _("recurring or structural costs"),
    "funded_elsewhere": _("costs already paid from other money"),
    "private_greening": _("greening of private property"),
}


def _to_euros(cents: int) -> str:
    euros, rest = divmod(int(cents), 100)
    return f"{euros},{rest:02d}" if rest else str(euros)


def _to_cents(text: str) -> int:
    cleaned = text.replace("€", "").replace(" ", "").replace(".", "").replace(",", ".")
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise forms.ValidationError(_("Enter an amount in euros, like 250 or 12,50.")) from None
    if value < 0 or value != value.quantize(Decimal("0.01")):
        raise forms.ValidationError(_("Enter an amount in euros, like 250 or 12,50."))
    return int(value * 100)


class _Styled:
    def style(self: Any) -> None:
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxSelectMultiple):
                continue
            if isinstance(w, forms.CheckboxInput):
                w.attrs["class"] = "utrecht-checkbox utrecht-checkbox--html-input"
            elif isinstance(w, forms.Select):
                w.attrs["class"] = "utrecht-select utrecht-select--html-select"
            else:
                w.attrs["class"] = "utrecht-textbox utrecht-textbox--html-input"


class SchemeForm(_Styled, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Web address name"), max_length=80, help_text=_("Lower-case letters, digits and dashes.")
    )
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("The whole municipality")
    )
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    intake = forms.ChoiceField(label=_("Intake"), choices=Intake.choices, initial=Intake.ROLLING)

    def __init__(self, *args: Any, municipality: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(municipality=municipality).order_by("path")  # type: ignore[attr-defined]
        if editing:
            del self.fields["slug"]
        self.style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end date is before the start date."))
        return data


class RulesForm(_Styled, forms.Form):
    """One field per rule; amounts in euros, stored in cents."""

    def __init__(self, *args: Any, rules: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, default in DEFAULT_RULES.items():
            value = rules.get(name, default)
            label = RULE_LABELS[name]
            if isinstance(default, bool):
                self.fields[name] = forms.BooleanField(label=label, required=False, initial=value)
            elif isinstance(default, list):
                self.fields[name] = forms.MultipleChoiceField(
                    label=label,
                    required=False,
                    choices=[(p, PURPOSE_LABELS.get(p, p)) for p in EXCLUDED_PURPOSES],
                    widget=forms.CheckboxSelectMultiple,
                    initial=value,
                )
            elif name.endswith("_cents") or "_cents_" in name:
                self.fields[name] = forms.CharField(label=label, initial=_to_euros(value), max_length=20)
            else:
                self.fields[name] = forms.IntegerField(
                    label=label, min_value=0, max_value=100_000, initial=value
                )
        self.style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in list(data):
            if name.endswith("_cents") or "_cents_" in name:
                try:
                    data[name] = _to_cents(data[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data

    def rules(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in DEFAULT_RULES}


class RoundForm(_Styled, forms.Form):
    name = forms.CharField(label=_("Name of the round"), max_length=100)
    opens_on = forms.DateField(
        label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    closes_on = forms.DateField(
        label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()
