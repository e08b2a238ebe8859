"""Forms of the group's own page: they only read and check input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from buurtbudget.payments.amounts import AmountError, parse_euros

from .models import ActivityKind, CommunityBudget


class BudgetChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: CommunityBudget) -> str:
        return f"{obj.year} · {obj.scheme.name}"


class AllocationForm(forms.Form):
    budget = BudgetChoiceField(label=_("From the budget"), queryset=CommunityBudget.objects.none())
    kind = forms.ChoiceField(label=_("For"), choices=ActivityKind.choices, initial=ActivityKind.ACTIVITY)
    name = forms.CharField(label=_("Name of the activity"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    amount = forms.CharField(label=_("Amount in euros"), help_text=_("For example 250,00"), max_length=20)

    def __init__(self, *args: object, budgets: list[CommunityBudget], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["budget"].queryset = CommunityBudget.objects.filter(pk__in=[b.pk for b in budgets])  # type: ignore[attr-defined]

    def clean_amount(self) -> int:
        try:
            return parse_euros(self.cleaned_data["amount"])
        except AmountError:
            raise forms.ValidationError(_("Enter an amount of more than € 0, like 250,00.")) from None


class YearReportForm(forms.Form):
    budget = BudgetChoiceField(label=_("Budget"), queryset=CommunityBudget.objects.none())
    narrative = forms.CharField(
        label=_("What did the group do with the money?"), widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args: object, budgets: list[CommunityBudget], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["budget"].queryset = CommunityBudget.objects.filter(pk__in=[b.pk for b in budgets])  # type: ignore[attr-defined]
