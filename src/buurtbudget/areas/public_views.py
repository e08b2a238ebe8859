"""The public "In welke buurt woon ik?" check on a municipality's site."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from buurtbudget.tenancy.models import Municipality

from . import selectors
from .forms import AddressCheckForm
from .models import Area


@require_GET
def postcode_check(request: HttpRequest, gemeente: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality, slug=gemeente, is_active=True)
    request.municipality = municipality  # type: ignore[attr-defined]
    # GET keeps the answer bookmarkable and works without JavaScript.
    form = AddressCheckForm(request.GET or None)
    areas: list[Area] | None = None
    if form.is_valid():
        areas = selectors.areas_for_address(
            postcode=form.cleaned_data["postcode"],
            house_number=form.cleaned_data["house_number"],
            municipality=municipality,
        )
    return render(request, "areas/postcode_check.html", {"form": form, "areas": areas})
