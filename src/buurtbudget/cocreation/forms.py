"""Forms of the co-creation page: they only read and check input; the services decide."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buurtbudget.accounts.forms import AccountEmailField
from buurtbudget.schemes.forms import RULE_LABELS
from buurtbudget.schemes.models import DEFAULT_RULES, ProcessModel, Scheme
from buurtbudget.tenancy.models import Municipality

from .models import CoCreationProcess, ProposalKind, Side


def _euros_to_cents(text: str) -> int:
    """'15.000', '15000', '€ 12,50' → cents (Dutch notation: a dot groups thousands, a comma starts cents)."""
    cleaned = text.replace("€", "").replace(" ", "").replace(".", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise forms.ValidationError(_("Enter an amount in euros, like 15000 or 12,50.")) from None
    if value < 0 or value != value.quantize(Decimal("0.01")):
        raise forms.ValidationError(_("Enter an amount in euros, like 15000 or 12,50."))
    return int(value * 100)


def parse_rule_value(rule_key: str, text: str) -> Any:
    """Turn what someone typed into the type the rule stores (amounts in euros become cents, whole numbers,
    yes/no, lists)."""
    default = DEFAULT_RULES.get(rule_key)
    text = (text or "").strip()
    if isinstance(default, int) and not isinstance(default, bool) and "_cents" in rule_key:
        return _euros_to_cents(text)
    if isinstance(default, bool):
        lowered = text.lower()
        if lowered in {"ja", "yes", "true", "1"}:
            return True
        if lowered in {"nee", "no", "false", "0"}:
            return False
        raise forms.ValidationError(_("Enter yes or no."))
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            raise forms.ValidationError(_("Enter a whole number.")) from None
    if isinstance(default, list):
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you propose?"), choices=ProposalKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    explanation = forms.CharField(
        label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    rule_key = forms.ChoiceField(
        label=_("Rule (for a rule change)"),
        choices=[("", "—"), *[(key, RULE_LABELS.get(key, key)) for key in DEFAULT_RULES]],
        required=False,
    )
    proposed_value = forms.CharField(
        label=_("New value (for a rule change)"),
        help_text=_("Amounts in euros, like 15000 or 12,50; yes or no; lists separated by commas."),
        required=False,
    )
    starts_on = forms.DateField(
        label=_("Starts on (for a phase)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on (for a phase)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ProposalKind.RULE:
            key = data.get("rule_key") or ""
            if not key:
                self.add_error("rule_key", _("Choose the rule you want to change."))
            else:
                try:
                    data["proposed_value"] = parse_rule_value(key, data.get("proposed_value", ""))
                except forms.ValidationError as error:
                    self.add_error("proposed_value", error)
        return data


class ResponseForm(forms.Form):
    agrees = forms.TypedChoiceField(
        label=_("Your answer"),
        choices=[("yes", _("I agree")), ("no", _("I disagree"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (needed when you disagree)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class StartForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.none())
    district_agreements_needed = forms.IntegerField(
        label=_("District agreements needed"), min_value=1, max_value=20, initial=1
    )
    representative_agreements_needed = forms.IntegerField(
        label=_("Representative agreements needed"), min_value=1, max_value=20, initial=1
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = Scheme.objects.filter(  # type: ignore[attr-defined]
            municipality=municipality, process_model=ProcessModel.COCREATIE, cocreation__isnull=True
        )


class ParticipantForm(forms.Form):
    process = forms.ModelChoiceField(label=_("Co-creation"), queryset=CoCreationProcess.objects.none())
    email = AccountEmailField(label=_("E-mail address of the participant's account"))
    side = forms.ChoiceField(label=_("Takes part for"), choices=Side.choices)
    show_name = forms.BooleanField(
        label=_("The participant agrees that their name is published with the log"), required=False
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["process"].queryset = CoCreationProcess.objects.filter(  # type: ignore[attr-defined]
            municipality=municipality
        ).select_related("scheme")
