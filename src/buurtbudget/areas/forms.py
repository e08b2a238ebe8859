"""Forms for the area pages; they check input shape, the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from buurtbudget.tenancy.models import Municipality

from .models import Area, AreaLevel


class AreaForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=120)
    level = forms.ChoiceField(label=_("Niveau"), choices=AreaLevel.choices)
    parent = forms.ModelChoiceField(
        label=_("Ligt in"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("Een wijk ligt in een stadsdeel, een buurt in een wijk. Laat leeg voor een stadsdeel."),
    )
    slug = forms.SlugField(
        label=_("Adresnaam"),
        max_length=80,
        required=False,
        help_text=_("Het stukje in het webadres. Laat leeg om het uit de naam te maken."),
    )
    code = forms.CharField(label=_("CBS-code"), max_length=20, required=False)
    description = forms.CharField(
        label=_("Beschrijving"), widget=forms.Textarea(attrs={"rows": 4}), required=False
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
        label=_("Postcode vanaf"), max_length=7, help_text=_("Bijvoorbeeld 1066AB.")
    )
    postcode_to = forms.CharField(
        label=_("Postcode tot en met"),
        max_length=7,
        required=False,
        help_text=_("Laat leeg voor één postcode."),
    )
    house_number_from = forms.IntegerField(
        label=_("Huisnummer vanaf"),
        required=False,
        min_value=1,
        help_text=_("Alleen als een postcode over meer gebieden verdeeld is."),
    )
    house_number_to = forms.IntegerField(label=_("Huisnummer tot en met"), required=False, min_value=1)


class AreaImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-bestand"),
        help_text=_(
            "Kolommen: niveau;naam;ouder;code;postcode_van;postcode_tot;huisnummer_van;huisnummer_tot"
        ),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Het bestand is groter dan 5 MB. / The file is larger than 5 MB."))
        return upload


class AddressCheckForm(forms.Form):
    postcode = forms.CharField(label=_("Postcode"), max_length=7, help_text=_("Bijvoorbeeld 1066AB."))
    house_number = forms.IntegerField(label=_("Huisnummer"), min_value=1)
