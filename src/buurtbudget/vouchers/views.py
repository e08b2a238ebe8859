"""Voucher pages: the public verification page, the holder's page and the printable PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import ratelimit, selectors
from .codes import InvalidVoucherCode, normalise_code
from .documents import voucher_pdf
from .models import Voucher

# Staff who may open someone else's voucher: the scheme's budget manager and the paying organisation.
STAFF_PERMISSIONS = ("schemes.manage", "payments.approve")


@never_cache
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is this voucher valid, for how much, and what is left. No personal data. Rate limited per IP."""
    if not ratelimit.count_lookup(request):
        message = _("Too many lookups from this address. Try again in ten minutes.")
        return render(request, "vouchers/verify.html", {"error": message, "code": code}, status=429)
    try:
        normalised = normalise_code(code)
    except InvalidVoucherCode as error:
        return render(request, "vouchers/verify.html", {"error": str(error), "code": code}, status=404)
    voucher = selectors.by_code(normalised)
    if voucher is None:
        message = _("This voucher does not exist.")
        return render(request, "vouchers/verify.html", {"error": message, "code": code}, status=404)
    return render(request, "vouchers/verify.html", {"summary": selectors.public_summary(voucher)})


def _voucher_for(request: HttpRequest, code: str) -> Voucher:
    try:
        voucher = selectors.by_code(normalise_code(code))
    except InvalidVoucherCode:
        voucher = None
    user = request.user
    if voucher is None:
        raise Http404
    if voucher.holder_id == user.pk or any(user.has_perm(p, voucher) for p in STAFF_PERMISSIONS):
        return voucher
    raise Http404  # do not reveal that the code exists


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    voucher = _voucher_for(request, code)
    return render(
        request,
        "vouchers/detail.html",
        {
            "voucher": voucher,
            "summary": selectors.public_summary(voucher),
            "postings": selectors.history(voucher),
        },
    )


@login_required
def pdf(request: HttpRequest, code: str) -> HttpResponse:
    voucher = _voucher_for(request, code)
    url = request.build_absolute_uri(reverse("vouchers:verify", kwargs={"code": voucher.display_code}))
    content = voucher_pdf(voucher, verification_url=url, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="voucher-{voucher.display_code}.pdf"'
    return response
