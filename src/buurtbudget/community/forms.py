"""Forms of the group's own page: they only read and check input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from buurtbudget.accounts.forms import AccountEmailField
from buurtbudget.areas.models import Area
from buurtbudget.payments.amounts import AmountError, parse_euros
from buurtbudget.schemes.models import ProcessModel, Scheme
from buurtbudget.tenancy.models import Municipality

from .models import ActivityKind, CommunityBudget, MemberRole, ResidentsGroup


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


class GroupForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none())
    name = forms.CharField(label=_("Name of the group"), max_length=200)
    registration_number = forms.CharField(
        label=_("Chamber of Commerce number"), max_length=12, required=False
    )
    penvoerder_name = forms.CharField(label=_("Organisation holding the money"), max_length=140)
    penvoerder_iban = forms.CharField(label=_("IBAN of that organisation"), max_length=40)
    support_party_name = forms.CharField(label=_("Support party"), max_length=140, required=False)

    def __init__(self, *args: object, municipality: Municipality, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["area"].queryset = Area.objects.filter(municipality=municipality).order_by("path")  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=ResidentsGroup.objects.none())
    email = AccountEmailField(label=_("E-mail address of the member's account"))
    role = forms.ChoiceField(label=_("Role in the group"), choices=MemberRole.choices)

    def __init__(self, *args: object, municipality: Municipality, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["group"].queryset = ResidentsGroup.objects.filter(municipality=municipality)  # type: ignore[attr-defined]


class FundForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=ResidentsGroup.objects.none())
    scheme = forms.ModelChoiceField(label=_("From the scheme"), queryset=Scheme.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = forms.CharField(label=_("Amount in euros"), help_text=_("For example 10.000,00"), max_length=20)

    def __init__(self, *args: object, municipality: Municipality, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["group"].queryset = ResidentsGroup.objects.filter(municipality=municipality)  # type: ignore[attr-defined]
        self.fields["scheme"].queryset = Scheme.objects.filter(  # type: ignore[attr-defined]
            municipality=municipality, process_model=ProcessModel.COMMUNITY
        )

    def clean_amount(self) -> int:
        try:
            return parse_euros(self.cleaned_data["amount"])
        except AmountError:
            raise forms.ValidationError(_("Enter an amount of more than € 0, like 250,00.")) from None
