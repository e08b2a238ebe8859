"""Forms of voting: they parse input; the services check it against the round's rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buurtbudget.ledger.services import format_cents
from buurtbudget.rounds.models import Plan, Round


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your stemcode"),
        max_length=40,
        help_text=_("13 characters, on your letter. Dashes and spaces do not matter."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class HelpdeskForm(CodeForm):
    id_checked = forms.BooleanField(
        label=_("I have seen the letter and checked an ID of the person named on it."),
        help_text=_("Only the check is recorded, not the ID."),
    )


class RegisterForm(forms.Form):
    file = forms.FileField(label=_("Register extract (CSV)"))


class BlockForm(forms.Form):
    reason = forms.CharField(label=_("Reason for blocking"), max_length=500)


class AddressForm(forms.Form):
    postcode = forms.CharField(label=_("Postcode"), max_length=7)
    house_number = forms.IntegerField(label=_("House number"), min_value=1)


class BallotForm(forms.Form):
    """One form for the four ballot types; `choices()` gives {"plans": [...], "points": [...]}."""

    def __init__(
        self,
        *args: Any,
        round: Round,
        plans: list[Plan],
        initial_choices: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = round.rule("ballot_type")
        self.plans = plans
        self.round = round
        chosen = [int(i) for i in (initial_choices or {}).get("plans", [])]
        points = dict(zip(chosen, (initial_choices or {}).get("points", []), strict=False))
        if self.kind in ("approval_budget", "approval_count"):
            self.fields["plans"] = forms.TypedMultipleChoiceField(
                label=_("Plans"),
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(p.pk, f"{p.title} ({format_cents(p.cost_cents)})") for p in plans],
                initial=chosen,
            )
        elif self.kind == "cumulative":
            for p in plans:
                self.fields[f"points_{p.pk}"] = forms.IntegerField(
                    label=f"{p.title} ({format_cents(p.cost_cents)})",
                    min_value=0,
                    max_value=int(round.rule("points")),
                    required=False,
                    initial=points.get(p.pk),
                )
        else:
            for p in plans:
                self.fields[f"rank_{p.pk}"] = forms.IntegerField(
                    label=f"{p.title} ({format_cents(p.cost_cents)})",
                    min_value=1,
                    max_value=int(round.rule("max_ranked")),
                    required=False,
                    initial=chosen.index(p.pk) + 1 if p.pk in chosen else None,
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.kind == "ranking":
            numbers = sorted(int(data[f"rank_{p.pk}"]) for p in self.plans if data.get(f"rank_{p.pk}"))
            if numbers != list(range(1, len(numbers) + 1)):
                raise forms.ValidationError(
                    _("Number the plans you rank 1, 2, 3 and so on, each number once.")
                )
        return data

    def choices(self) -> dict[str, list[int]]:
        data = self.cleaned_data
        if self.kind in ("approval_budget", "approval_count"):
            return {"plans": list(data.get("plans") or []), "points": []}
        if self.kind == "cumulative":
            given = [(p.pk, data.get(f"points_{p.pk}") or 0) for p in self.plans]
            given = [(pk, n) for pk, n in given if n > 0]
            return {"plans": [pk for pk, _n in given], "points": [n for _pk, n in given]}
        ranked = sorted((data[f"rank_{p.pk}"], p.pk) for p in self.plans if data.get(f"rank_{p.pk}"))
        return {"plans": [pk for _rank, pk in ranked], "points": []}
