"""The municipality's own settings page for budget managers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from buurtbudget.accounts.access import municipality_permission_required

from . import services
from .forms import MunicipalitySettingsForm
from .models import Municipality


@municipality_permission_required("tenancy.manage")
def municipality_settings(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    # Bind to a copy so a refused change never shows up in the page's theme or footer.
    form = MunicipalitySettingsForm(
        request.POST or None, instance=Municipality.objects.get(pk=municipality.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_municipality(actor=request.user, municipality=municipality, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("The municipality's details have been saved."))
            return redirect("core:municipality_settings", gemeente=municipality.slug)
    return render(request, "tenancy/settings.html", {"form": form})
