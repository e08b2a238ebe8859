"""Forms of rounds and plans: they only parse input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buurtbudget.areas.models import Area

from .models import DEFAULT_ROUND_RULES, Round

COST_LINES = 6
COUNTING_RULE_LABELS = {
    "greedy": _("Most votes first; plans that no longer fit are skipped (Amsterdam)"),
    "greedy-remainder": _("Most votes first; the first plan that does not fit gets what is left"),
    "mes": _("Method of Equal Shares"),
    "mes-add1": _("Method of Equal Shares, with completion"),
    "mes-add1-greedy": _("Method of Equal Shares, with completion and greedy rest"),
    "official": _("The rule named in the election file"),
    "phragmen": _("Sequential Phragmén"),
}


def counting_rule_choices() -> list[tuple[str, Any]]:
    from .services import counting_rules

    return [(name, COUNTING_RULE_LABELS.get(name, name)) for name in counting_rules() if name != "official"]


BALLOT_TYPE_CHOICES = [
    ("approval_budget", _("Choose plans within the budget")),
    ("approval_count", _("Choose a minimum and maximum number of plans")),
    ("cumulative", _("Divide points over plans")),
    ("ranking", _("Rank plans")),
]


def cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def normalise_euros(text: str) -> str:
    """'€ 1.250,50' -> '1250.50'; '250.000' -> '250000' (Dutch thousands); '12.50' -> '12.50'."""
    value = text.strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if "," in value and "." in value:
        if value.rfind(",") > value.rfind("."):
            return value.replace(".", "").replace(",", ".")
        return value.replace(",", "")
    if "," in value:
        return value.replace(",", ".")
    groups = value.split(".")
    if len(groups) > 1 and all(len(g) == 3 and g.isdigit() for g in groups[1:]) and groups[0].isdigit():
        return "".join(groups)
    return value


class EuroField(forms.DecimalField):
    """An amount in euros, typed the Dutch way (1.250,50) or the English way (1250.50)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = normalise_euros(value)
        result = super().to_python(value)
        return None if result is None else Decimal(result)


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value: Any) -> str | None:
        if hasattr(value, "isoformat"):
            return str(value.isoformat())
        return None if value is None else str(value)


def _areas_below(area: Area) -> Any:
    return Area.objects.filter(path__startswith=area.path).order_by("path")


class RoundForm(forms.Form):
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("Area"))
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Web address name"),
        max_length=80,
        help_text=_("Lower-case letters, digits and dashes, for example noord-2027."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    budget = EuroField(label=_("Budget in euros"))
    plans_open_on = forms.DateField(label=_("Plans from"), widget=DateInput)
    support_opens_on = forms.DateField(label=_("Support from"), widget=DateInput)
    feasibility_opens_on = forms.DateField(label=_("Feasibility check from"), widget=DateInput)
    selection_opens_on = forms.DateField(label=_("Selection from"), widget=DateInput, required=False)
    voting_opens_on = forms.DateField(label=_("Voting from"), widget=DateInput)
    voting_closes_on = forms.DateField(label=_("Voting until (inclusive)"), widget=DateInput)
    result_on = forms.DateField(label=_("Result on"), widget=DateInput)
    ballot_type = forms.ChoiceField(label=_("Ballot"), choices=BALLOT_TYPE_CHOICES)
    counting_rule = forms.ChoiceField(
        label=_("Counting rule"), choices=counting_rule_choices, initial="greedy"
    )
    support_threshold = forms.IntegerField(
        label=_("Supporters needed"), min_value=0, initial=DEFAULT_ROUND_RULES["support_threshold"]
    )
    max_on_ballot = forms.IntegerField(
        label=_("Most plans on the ballot"), min_value=1, initial=DEFAULT_ROUND_RULES["max_on_ballot"]
    )
    min_spend_percent = forms.IntegerField(
        label=_("Minimum spend on a ballot (percent of the budget)"), min_value=0, max_value=100, initial=0
    )
    min_plans = forms.IntegerField(
        label=_("Fewest plans to choose"), min_value=0, initial=DEFAULT_ROUND_RULES["min_plans"]
    )
    max_plans = forms.IntegerField(
        label=_("Most plans to choose"), min_value=1, initial=DEFAULT_ROUND_RULES["max_plans"]
    )
    points = forms.IntegerField(
        label=_("Points to divide"), min_value=1, initial=DEFAULT_ROUND_RULES["points"]
    )
    max_ranked = forms.IntegerField(
        label=_("Most plans to rank"), min_value=1, initial=DEFAULT_ROUND_RULES["max_ranked"]
    )
    voting_age = forms.IntegerField(
        label=_("Minimum age to vote"), min_value=0, max_value=120, initial=DEFAULT_ROUND_RULES["voting_age"]
    )
    allow_vote_change = forms.BooleanField(
        label=_("Voters may change their vote until voting closes"), required=False, initial=True
    )

    RULE_FIELDS = (
        "ballot_type",
        "support_threshold",
        "max_on_ballot",
        "min_spend_percent",
        "min_plans",
        "max_plans",
        "points",
        "max_ranked",
        "voting_age",
        "allow_vote_change",
    )

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(municipality=municipality).order_by("path")  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        rules = {name: data.pop(name) for name in self.RULE_FIELDS}
        data["budget_cents"] = cents(data.pop("budget"))
        data["rules"] = rules
        return data


class CountingRuleForm(forms.Form):
    counting_rule = forms.ChoiceField(label=_("Counting rule"), choices=counting_rule_choices)


class PlanForm(forms.Form):
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(), label=_("For which area is the plan?"), empty_label=None
    )
    title = forms.CharField(label=_("Title of your plan"), max_length=200)
    summary = forms.CharField(
        label=_("What is the plan and why is it good for the neighbourhood?"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    legal_entity = forms.CharField(
        label=_("Legal entity"),
        max_length=200,
        required=False,
        help_text=_(
            "Needed for plans above € 50,000: the foundation or association that carries out the plan."
        ),
    )

    def __init__(self, *args: Any, round: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas_below(round.area)  # type: ignore[attr-defined]
        for i in range(1, COST_LINES + 1):
            self.fields[f"line_{i}_what"] = forms.CharField(
                label=_("Cost line %(n)d: what") % {"n": i}, max_length=200, required=False
            )
            self.fields[f"line_{i}_amount"] = EuroField(
                label=_("Cost line %(n)d: amount in euros") % {"n": i}, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lines: list[tuple[str, int]] = []
        for i in range(1, COST_LINES + 1):
            what, amount = data.get(f"line_{i}_what", ""), data.get(f"line_{i}_amount")
            if not what and amount is None:
                continue
            if not what or amount is None:
                self.add_error(
                    f"line_{i}_what" if not what else f"line_{i}_amount",
                    _("Fill in both what and the amount, or neither."),
                )
                continue
            lines.append((what, cents(amount)))
        if not lines and not self.errors:
            raise forms.ValidationError(_("Add at least one cost line."))
        data["cost_lines"] = lines
        return data

    def cost_line_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"line_{i}_what"], self[f"line_{i}_amount"]) for i in range(1, COST_LINES + 1)]


class FeasibilityForm(forms.Form):
    feasible = forms.TypedChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Feasible")), ("no", _("Not feasible"))],
    )
    reason = forms.CharField(label=_("Reason (published)"), widget=forms.Textarea(attrs={"rows": 3}))


class CostForm(forms.Form):
    cost = EuroField(label=_("New cost in euros"))
    note = forms.CharField(label=_("Note on the cost (published)"), widget=forms.Textarea(attrs={"rows": 3}))


class SelectionForm(forms.Form):
    on_ballot = forms.TypedChoiceField(
        label=_("Decision of the commission"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("yes", _("On the ballot")), ("no", _("Not on the ballot"))],
    )
    reason = forms.CharField(label=_("Reason (published)"), widget=forms.Textarea(attrs={"rows": 3}))
