"""Staff pages for the area tree of a municipality, under /<gemeente>/beheer/gebieden/."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buurtbudget.accounts.access import municipality_permission_required
from buurtbudget.tenancy.models import Municipality

from . import selectors, services
from .forms import AreaForm, AreaImportForm, PostcodeRangeForm
from .importing import EXAMPLE_CSV
from .models import Area, PostcodeRange


def _add_errors(form: Form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def _area(municipality: Municipality, pk: int) -> Area:
    # Scoping the lookup to the municipality keeps another tenant's areas out of reach (404).
    return get_object_or_404(selectors.areas_of(municipality=municipality), pk=pk)


@require_GET
@municipality_permission_required("areas.manage")
def area_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    tree = selectors.area_tree_with_ranges(municipality=municipality)
    return render(request, "areas/list.html", {"tree": tree})


@municipality_permission_required("areas.manage")
def area_create(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = AreaForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_area(actor=request.user, municipality=municipality, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The area has been added."))
            return redirect("core:areas_list", gemeente=municipality.slug)
    return render(request, "areas/form.html", {"form": form})


@municipality_permission_required("areas.manage")
def area_edit(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    area = _area(municipality, pk)
    initial = {
        "name": area.name,
        "parent": area.parent,
        "slug": area.slug,
        "code": area.code,
        "description": area.description,
    }
    form = AreaForm(request.POST or None, initial=initial, municipality=municipality, editing=area)
    range_form = PostcodeRangeForm()
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        if not changes["slug"]:
            changes["slug"] = area.slug
        try:
            services.update_area(actor=request.user, area=area, **changes)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The area has been saved."))
            return redirect("core:areas_list", gemeente=municipality.slug)
    return render(
        request,
        "areas/edit.html",
        {"form": form, "area": area, "range_form": range_form, "ranges": area.postcode_ranges.all()},
    )


@require_POST
@municipality_permission_required("areas.manage")
def range_add(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    area = _area(municipality, pk)
    range_form = PostcodeRangeForm(request.POST)
    if range_form.is_valid():
        try:
            services.add_postcode_range(actor=request.user, area=area, **range_form.cleaned_data)
        except ValidationError as exc:
            _add_errors(range_form, exc)
        else:
            messages.success(request, _("The postcodes have been added."))
            return redirect("core:areas_edit", gemeente=municipality.slug, pk=area.pk)
    form = AreaForm(
        initial={
            "name": area.name,
            "parent": area.parent,
            "slug": area.slug,
            "code": area.code,
            "description": area.description,
        },
        municipality=municipality,
        editing=area,
    )
    return render(
        request,
        "areas/edit.html",
        {"form": form, "area": area, "range_form": range_form, "ranges": area.postcode_ranges.all()},
    )


@require_POST
@municipality_permission_required("areas.manage")
def range_remove(request: HttpRequest, municipality: Municipality, pk: int, range_pk: int) -> HttpResponse:
    area = _area(municipality, pk)
    postcode_range = get_object_or_404(PostcodeRange, pk=range_pk, area=area)
    services.remove_postcode_range(actor=request.user, postcode_range=postcode_range)
    messages.success(request, _("The postcodes have been removed."))
    return redirect("core:areas_edit", gemeente=municipality.slug, pk=area.pk)


@municipality_permission_required("areas.manage")
def area_import(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = AreaImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.import_areas_csv(
            actor=request.user, municipality=municipality, file=form.cleaned_data["file"]
        )
        if result.ok:
            messages.success(
                request,
                _("Import done: %(areas)d areas and %(ranges)d postcode ranges added.")
                % {"areas": result.areas_created, "ranges": result.ranges_created},
            )
            return redirect("core:areas_list", gemeente=municipality.slug)
    return render(request, "areas/import.html", {"form": form, "result": result})


@require_GET
@municipality_permission_required("areas.manage")
def example_csv(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    response = HttpResponse(EXAMPLE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="gebieden-voorbeeld.csv"'
    return response
