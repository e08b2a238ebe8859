"""Staff page /<gemeente>/beheer/rollen/: a budget manager gives and takes roles in their municipality."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from buurtbudget.tenancy.models import Municipality

from . import selectors, services
from .access import municipality_permission_required
from .models import RoleAssignment, User
from .role_forms import AssignRoleForm


@require_http_methods(["GET", "POST"])
@municipality_permission_required("accounts.manage_roles")
def manage_roles(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    actor = request.user
    assert isinstance(actor, User)
    form = AssignRoleForm(
        request.POST if request.POST.get("action") == "assign" else None, municipality=municipality
    )
    if request.method == "POST" and request.POST.get("action") == "revoke":
        assignment = get_object_or_404(
            RoleAssignment, pk=request.POST.get("assignment"), municipality=municipality
        )
        services.revoke_role(actor=actor, assignment=assignment)
        messages.success(request, _("The role has been withdrawn."))
        return redirect("core:manage_roles", gemeente=municipality.slug)
    if request.method == "POST" and form.is_valid():
        services.assign_role(
            actor=actor,
            user=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            municipality=municipality,
            area=form.cleaned_data["area"],
        )
        messages.success(request, _("The role has been given."))
        return redirect("core:manage_roles", gemeente=municipality.slug)
    return render(
        request,
        "accounts/roles.html",
        {"form": form, "assignments": selectors.roles_in(municipality=municipality)},
    )
