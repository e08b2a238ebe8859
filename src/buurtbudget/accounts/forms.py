"""Sign-up and profile forms, and the field staff use to name an existing account by its e-mail address.
They validate input; the services change data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import User, postcode_validator


class AccountEmailField(forms.EmailField):
    """An e-mail address that must belong to an active account; cleans to that User.

    For staff adding a person to something (a role, a group, a co-creation): the person signs up first."""

    default_error_messages = {
        "no_account": _("There is no account with this e-mail address. Ask the person to create one first."),
    }

    def clean(self, value: Any) -> User | None:
        email = super().clean(value)
        if email in self.empty_values:
            return None
        user = selectors.user_by_email(email=email)
        if user is None:
            raise forms.ValidationError(self.error_messages["no_account"], code="no_account")
        return user


class ProfileFieldsMixin(forms.Form):
    name = forms.CharField(
        label=_("Name"),
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
        help_text=_("For example 1066 AB. It tells us which neighbourhood you live in."),
    )
    house_number = forms.IntegerField(
        label=_("House number"),
        min_value=1,
        max_value=99999,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
        help_text=_("To see whether you may take part (from age 12)."),
    )

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        if year is None:
            return None
        this_year = timezone.localdate().year
        if not 1900 <= year <= this_year:
            raise forms.ValidationError(
                _("Enter a year of birth between 1900 and %(year)s.") % {"year": this_year}
            )
        return int(year)


class SignupProfileForm(ProfileFieldsMixin):
    """Extra fields on allauth's sign-up form."""

    def signup(self, request: Any, user: User) -> None:
        # allauth calls this after saving; the adapter already filled in the profile fields before that save.
        return None


class ProfileForm(ProfileFieldsMixin):
    house_number_suffix = forms.CharField(
        label=_("Addition"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("nl", "Nederlands"), ("en", "English")],
        widget=forms.Select(attrs={"autocomplete": "language"}),
    )
