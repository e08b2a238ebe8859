"""Forms of the submission flow. They only parse and validate input; the services change data."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buurtbudget.accounts.models import postcode_validator

from .models import AttachmentKind, BudgetLine, BudgetLineKind, FeeRecipient

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d-%m-%y"]


def parse_euros(value: str) -> int:
    """'1.234,56', '1234.56', '€ 12,50', '12' -> cents. ValueError when it is not an amount."""
    text = re.sub(r"[€\s]", "", value or "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") == 1 and len(text.split(".")[1]) == 3:
        text = text.replace(".", "")  # '1.500' is one thousand five hundred in Dutch notation
    if not re.fullmatch(r"\d+(\.\d{1,2})?", text):
        raise ValueError(value)
    try:
        return int((Decimal(text) * 100).to_integral_value())
    except InvalidOperation:
        raise ValueError(value) from None


def format_euros(cents: int | None) -> str:
    if cents is None:
        return ""
    euros, rest = divmod(int(cents), 100)
    return f"{euros},{rest:02d}" if rest else str(euros)


def _utrecht_classes(form: forms.BaseForm) -> None:
    """NL Design System classes on every widget (aria attributes stay Django's own)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "utrecht-checkbox utrecht-checkbox--html-input"
        elif isinstance(widget, forms.Select):
            css = "utrecht-select utrecht-select--html-select"
        elif isinstance(widget, forms.Textarea):
            css = "utrecht-textarea utrecht-textarea--html-textarea"
        elif isinstance(widget, forms.FileInput):
            css = "bb-file"
        else:
            css = "utrecht-textbox utrecht-textbox--html-input"
        existing = widget.attrs.get("class", "")
        if css not in existing:
            widget.attrs["class"] = f"{existing} {css}".strip()


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _utrecht_classes(self)


class EuroField(forms.CharField):
    """An amount in euros (Dutch or English notation) that cleans to whole cents."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "class": "bb-input-amount"})

    def prepare_value(self, value: Any) -> Any:
        return format_euros(value) if isinstance(value, int) else value

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            cents = parse_euros(text)
        except ValueError:
            raise forms.ValidationError(_("Enter an amount in euros, like 250 or 12,50.")) from None
        if cents > 100_000_000_00:
            raise forms.ValidationError(_("This amount is too large."))
        return cents


class PlanForm(StyledForm):
    """Page 1: what, why, for whom, where, when (and, the first time, who you are)."""

    title = forms.CharField(label=_("Title of your plan"), max_length=200)
    what_and_why = forms.CharField(
        label=_("What do you want to do, and why?"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    for_whom = forms.CharField(
        label=_("For whom is it?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    location = forms.CharField(
        label=_("Where does it take place?"),
        help_text=_("For example a street, square or building."),
        max_length=200,
    )
    location_postcode = forms.CharField(
        label=_("Postcode of that place"),
        max_length=7,
        validators=[postcode_validator],
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "bb-input-postcode"}),
    )
    location_house_number = forms.IntegerField(
        label=_("House number nearby"),
        min_value=1,
        max_value=99999,
        required=False,
        help_text=_("Not needed if the postcode is enough."),
    )
    draft_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    starts_on = forms.DateField(label=_("Start date"), widget=DATE_WIDGET, input_formats=DATE_FORMATS)
    ends_on = forms.DateField(label=_("End date"), widget=DATE_WIDGET, input_formats=DATE_FORMATS)

    def __init__(self, *args: Any, ask_about_you: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if ask_about_you:
            self.fields["home_postcode"] = forms.CharField(
                label=_("Your postcode"),
                max_length=7,
                validators=[postcode_validator],
                help_text=_("We check that you live in the area."),
                widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "bb-input-postcode"}),
            )
            self.fields["home_house_number"] = forms.IntegerField(
                label=_("Your house number"), min_value=1, max_value=99999
            )
            this_year = timezone.localdate().year
            self.fields["birth_year"] = forms.IntegerField(
                label=_("Your year of birth"),
                min_value=1900,
                max_value=this_year,
                help_text=_("You must be 12 or older."),
                widget=forms.NumberInput(attrs={"autocomplete": "bday-year"}),
            )
            _utrecht_classes(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date is before the start date."))
        return data


class BudgetLineForm(StyledForm):
    description = forms.CharField(label=_("What"), max_length=200, required=False)
    amount = EuroField(label=_("Amount in euros"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=BudgetLineKind.choices, initial=BudgetLineKind.MATERIALS
    )
    fee_recipient = forms.ChoiceField(
        label=_("Fees: paid to"), choices=[("", "-"), *FeeRecipient.choices], required=False
    )
    hours = forms.DecimalField(
        label=_("Fees: hours"),
        min_value=Decimal("0.25"),
        max_digits=7,
        decimal_places=2,
        required=False,
        localize=True,
    )
    hourly_rate = EuroField(label=_("Fees: rate per hour, excl. VAT"), required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("description") and not data.get("amount")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("description") and not data.get("amount"):
            return data
        if not data.get("description"):
            self.add_error("description", _("Say what the money is for."))
        if not data.get("amount"):
            self.add_error("amount", _("Enter an amount of more than 0 euro."))
        if data.get("kind") == BudgetLineKind.FEES:
            if not data.get("fee_recipient"):
                self.add_error("fee_recipient", _("Say who is paid: a resident or a professional."))
            if not data.get("hours"):
                self.add_error("hours", _("Enter the number of hours."))
            if not data.get("hourly_rate"):
                self.add_error("hourly_rate", _("Enter the rate per hour."))
        return data

    def as_line(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "description": data["description"],
            "amount_cents": data["amount"],
            "kind": data["kind"],
            "fee_recipient": data.get("fee_recipient") or "",
            "hours": data.get("hours"),
            "hourly_rate_cents": data.get("hourly_rate"),
        }

    @staticmethod
    def initial_for(line: BudgetLine) -> dict[str, Any]:
        return {
            "description": line.description,
            "amount": line.amount_cents,
            "kind": line.kind,
            "fee_recipient": line.fee_recipient,
            "hours": line.hours,
            "hourly_rate": line.hourly_rate_cents,
        }


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, extra=3, max_num=30, absolute_max=30)


class BudgetExtrasForm(StyledForm):
    own_contribution = EuroField(
        label=_("Own contribution in euros"),
        required=False,
        help_text=_("Money or value that you or others add yourselves. Not required."),
    )
    invite_email = forms.EmailField(
        label=_("Invite a co-initiator (e-mail address)"),
        required=False,
        help_text=_("They get an e-mail and confirm with a link. Not required."),
    )
    attachment = forms.FileField(
        label=_("Add a photo or document (PDF, JPEG or PNG, at most 10 MB)"), required=False
    )
    attachment_kind = forms.ChoiceField(
        label=_("This file is a"),
        choices=AttachmentKind.choices,
        initial=AttachmentKind.DOCUMENT,
        required=False,
    )


class CheckForm(StyledForm):
    excluded_purposes_declared = forms.BooleanField(
        label=_("I declare that the money is not used for any of these purposes."), required=False
    )
    parental_consent = forms.BooleanField(
        label=_("A parent or guardian agrees with this plan."), required=False
    )
