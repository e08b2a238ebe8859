"""Forms for the area pages; they check input shape, the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from buurtbudget.tenancy.models import Municipality

from .models import Area, AreaLevel


class AreaForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    level = forms.ChoiceField(label=_("Level"), choices=AreaLevel.choices)
    parent = forms.ModelChoiceField(
        label=_("Lies in"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_(
            "A neighbourhood lies in a district, a buurt in a neighbourhood. Leave empty for a district."
        ),
    )
    slug = forms.SlugField(
        label=_("Web address name"),
        max_length=80,
        required=False,
        help_text=_("The part in the web address. Leave empty to make it from the name."),
    )
    code = forms.CharField(label=_("CBS code"), max_length=20, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(
        self, *args: object, municipality: Municipality, editing: Area | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        parents = (
            Area.objects.filter(municipality=municipality).exclude(level=AreaLevel.BUURT).order_by("path")
        )
        if editing is not None:
            # The level of an existing area is fixed; it can only move to another parent.
            del self.fields["level"]
            parents = parents.exclude(path__startswith=editing.path)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["parent"].label_from_instance = lambda a: f"{a.name} ({a.get_level_display()})"  # type: ignore[attr-defined]


class PostcodeRangeForm(forms.Form):
    postcode_from = forms.CharField(
        label=_("Postcode from"), max_length=7, help_text=_("For example 1066AB.")
    )
    postcode_to = forms.CharField(
        label=_("Postcode up to and including"),
        max_length=7,
        required=False,
        help_text=_("Leave empty for a single postcode."),
    )
    house_number_from = forms.IntegerField(
        label=_("House number from"),
        required=False,
        min_value=1,
        help_text=_("Only if a postcode is split over several areas."),
    )
    house_number_to = forms.IntegerField(
        label=_("House number up to and including"), required=False, min_value=1
    )


class AreaImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: niveau;naam;ouder;code;postcode_van;postcode_tot;huisnummer_van;huisnummer_tot (or level;name;parent;code;postcode_from;postcode_to;house_number_from;house_number_to)"
        ),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class AddressCheckForm(forms.Form):
    postcode = forms.CharField(label=_("Postcode"), max_length=7, help_text=_("For example 1066AB."))
    house_number = forms.IntegerField(label=_("House number"), min_value=1)
