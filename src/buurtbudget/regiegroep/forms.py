"""Forms of the regiegroep pages: they check the shape of the input; the services check the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buurtbudget.accounts.forms import AccountEmailField

from .models import Advice, Answer, MemberRole, Outcome
from .rules import ChecklistItem


class AssessmentForm(forms.Form):
    """One radio group per checklist item (rendered as a fieldset each), the advice and notes."""

    advice = forms.ChoiceField(label=_("Your advice"), choices=Advice.choices, widget=forms.RadioSelect)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"q_{item.key}"] = forms.ChoiceField(
                label=item.label, choices=Answer.choices, widget=forms.RadioSelect
            )
        # Questions first, then the advice and the notes.
        self.order_fields([f"q_{item.key}" for item in items] + ["advice", "notes"])

    @property
    def questions(self) -> list[forms.BoundField]:
        return [self[f"q_{item.key}"] for item in self.items]

    def answers(self) -> dict[str, str]:
        return {item.key: self.cleaned_data[f"q_{item.key}"] for item in self.items}


class InterestForm(forms.Form):
    reason = forms.CharField(
        label=_("What is your interest?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: you are a relative or neighbour of the initiator, or you benefit from the plan."
        ),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the outcome"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("This text is published on the consultation page. Do not name residents."),
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For example 24-11-2026."),
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(pk), name) for pk, name in members]


class AgendaForm(forms.Form):
    initiatives = forms.MultipleChoiceField(
        label=_("Initiatives on the agenda"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, options: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["initiatives"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(pk), title) for pk, title in options]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices)
    amount = forms.DecimalField(
        label=_("Lower amount in euros"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        help_text=_("Only for 'Award a lower amount'. For example 750,00."),
        localize=True,
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for 'Award with conditions'."),
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Reasons for an award or a rejection are published on the area's page, without names."),
    )

    def amount_cents(self) -> int | None:
        amount = self.cleaned_data.get("amount")
        return int(amount * 100) if amount is not None else None


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), required=False, max_length=50_000, widget=forms.Textarea(attrs={"rows": 8})
    )


class AppointForm(forms.Form):
    scheme = forms.TypedChoiceField(label=_("Scheme"), coerce=int, choices=())
    email = AccountEmailField(
        label=_("E-mail address"), help_text=_("The person must already have an account on this site.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)

    def __init__(self, *args: Any, schemes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scheme"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = schemes
