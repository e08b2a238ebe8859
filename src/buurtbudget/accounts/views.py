"""Personal pages: "Mijn overzicht" and the profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import selectors, services
from .forms import ProfileForm
from .models import User


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(request, "accounts/dashboard.html", {"roles": selectors.roles_of(user=user)})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    initial = {name: getattr(user, name) for name in services.PROFILE_FIELDS}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user=user, actor=user, changes=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your details have been saved."))
            response = redirect("accounts:dashboard")
            response.set_cookie("django_language", form.cleaned_data["preferred_language"], samesite="Lax")
            return response
    return render(request, "accounts/profile.html", {"form": form})
