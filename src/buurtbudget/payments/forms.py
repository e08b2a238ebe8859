"""Forms: parse and show errors; the services decide. Field checks reuse the services' validators."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buurtbudget.contrib.uploads import MAX_DOCUMENT_BYTES

from .services import ORGANISATION_NAME_MAX_LENGTH, PaymentError, validate_amount, validate_iban


class _KeyedForm(forms.Form):
    """Carries a one-time key so that a double-clicked or retried submit creates one request."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


def _amount(value: str) -> int:
    try:
        return validate_amount(value)
    except PaymentError as error:
        raise forms.ValidationError(str(error)) from None


class PaymentRequestForm(_KeyedForm):
    payee_name = forms.CharField(label=_("Payee name"), max_length=70)
    payee_iban = forms.CharField(
        label=_("Payee IBAN"),
        max_length=42,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "text"}),
    )
    amount = forms.CharField(
        label=_("Amount in euros"),
        help_text=_("For example 125.50"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    description = forms.CharField(label=_("Description"), max_length=140)
    document = forms.FileField(
        label=_("Invoice or receipt"),
        help_text=_("PDF, JPEG or PNG, at most %(mb)d MB") % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def clean_payee_iban(self) -> str:
        try:
            return validate_iban(self.cleaned_data["payee_iban"])
        except PaymentError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_amount(self) -> str:
        value: str = self.cleaned_data["amount"]
        _amount(value)
        return value


class CashWithdrawalForm(_KeyedForm):
    amount = forms.CharField(
        label=_("Amount in euros"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    description = forms.CharField(label=_("What for?"), max_length=140)

    def clean_amount(self) -> str:
        value: str = self.cleaned_data["amount"]
        _amount(value)
        return value


class CashSettlementForm(forms.Form):
    spent = forms.CharField(
        label=_("Amount spent in euros"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    receipts = forms.FileField(
        label=_("Receipts (PDF, JPEG or PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), widget=forms.Textarea(attrs={"rows": 3}))


class StatementUploadForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Bank account"), coerce=int)
    statement = forms.FileField(
        label=_("Bank statement (camt.053, XML)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(o.pk, f"{o.name} ({o.iban})") for o in organisations]


class PayingOrganisationForm(forms.Form):
    """A new or edited paying organisation; the service checks the name, IBAN (schwifty) and BIC again."""

    name = forms.CharField(label=_("Name"), max_length=ORGANISATION_NAME_MAX_LENGTH)
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    bic = forms.CharField(
        label=_("BIC"),
        required=False,
        max_length=11,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    is_default = forms.BooleanField(
        label=_("Default paying organisation"),
        help_text=_("Pays for vouchers that have no paying organisation of their own."),
        required=False,
    )

    def clean_iban(self) -> str:
        try:
            return validate_iban(self.cleaned_data["iban"])
        except PaymentError as error:
            raise forms.ValidationError(str(error)) from None
