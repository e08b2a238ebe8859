"""Sign-up and profile forms. They validate input; the services change data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import User, postcode_validator


class ProfileFieldsMixin(forms.Form):
    name = forms.CharField(
        label=_("Naam"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=7,
        required=False,
        validators=[postcode_validator],
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
        help_text=_("Bijvoorbeeld 1066 AB. Hiermee zien we in welke buurt u woont."),
    )
    house_number = forms.IntegerField(
        label=_("Huisnummer"),
        min_value=1,
        max_value=99999,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_year = forms.IntegerField(
        label=_("Geboortejaar"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
        help_text=_("Om te zien of u mag meedoen (vanaf 12 jaar)."),
    )

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        if year is None:
            return None
        this_year = timezone.localdate().year
        if not 1900 <= year <= this_year:
            raise forms.ValidationError(
                _(
                    "Vul een geboortejaar in tussen 1900 en %(year)s. / Enter a year between 1900 and %(year)s."
                )
                % {"year": this_year}
            )
        return int(year)


class SignupProfileForm(ProfileFieldsMixin):
    """Extra fields on allauth's sign-up form."""

    def signup(self, request: Any, user: User) -> None:
        # allauth calls this after saving; the adapter already filled in the profile fields before that save.
        return None


class ProfileForm(ProfileFieldsMixin):
    house_number_suffix = forms.CharField(
        label=_("Toevoeging"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Voorkeurstaal"),
        choices=[("nl", "Nederlands"), ("en", "English")],
        widget=forms.Select(attrs={"autocomplete": "language"}),
    )
