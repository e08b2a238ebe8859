"""Screens: the holder's payment-request form, the payer's queue, the treasurer's batches and statements.

Thin: parse, authorise, call a service, render. Every form works without JavaScript (post/redirect/get).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from buurtbudget.accounts.access import municipality_permission_required
from buurtbudget.core.http import page_status
from buurtbudget.tenancy.models import Municipality
from buurtbudget.vouchers.codes import InvalidVoucherCode, normalise_code
from buurtbudget.vouchers.models import Voucher

from . import selectors, services
from .amounts import format_euros
from .forms import (
    CashSettlementForm,
    CashWithdrawalForm,
    PayingOrganisationForm,
    PaymentRequestForm,
    RejectForm,
    StatementUploadForm,
)
from .models import PayingOrganisation, PaymentKind, PaymentRequest, PaymentStatus, SepaBatch, StatementLine

MAX_STATEMENT_UPLOAD = 20 * 1024 * 1024

# The holder's page shows the invoice form and the cash form together; both have `amount` and `description`.
# Distinct ids (not prefixes: the field names, and so every client that posts them, stay as they are).
PAYMENT_AUTO_ID = "id_payment_%s"
CASH_AUTO_ID = "id_cash_%s"

# ------------------------------------------------------------------------------------------------ holder


def _holder_voucher(request: HttpRequest, code: str) -> Voucher:
    try:
        normalised = normalise_code(code)
    except InvalidVoucherCode:
        raise Http404(_("We do not know this voucher code.")) from None
    voucher = Voucher.objects.select_related("scheme", "municipality").filter(code=normalised).first()
    if voucher is None or voucher.holder_id != request.user.pk:
        raise Http404(_("We do not know this voucher code."))
    return voucher


def _holder_page(
    request: HttpRequest,
    voucher: Voucher,
    *,
    form: PaymentRequestForm | None = None,
    cash_form: CashWithdrawalForm | None = None,
    status: int = 200,
) -> HttpResponse:
    cap = int(voucher.scheme.rule("cash_withdrawal_cap_cents") or 0)
    return render(
        request,
        "payments/request_form.html",
        {
            "voucher": voucher,
            "balance": format_euros(selectors.voucher_balance_cents(voucher)),
            "cash_cap": format_euros(cap),
            "form": form or PaymentRequestForm(auto_id=PAYMENT_AUTO_ID),
            "cash_form": cash_form or CashWithdrawalForm(auto_id=CASH_AUTO_ID),
            "payment_requests": selectors.requests_of_voucher(voucher),
            "has_payer": selectors.voucher_payer(voucher) is not None,
        },
        status=status,
    )


@login_required
def payment_request_create(request: HttpRequest, code: str) -> HttpResponse:
    voucher = _holder_voucher(request, code)
    if request.method != "POST":
        return _holder_page(request, voucher)
    form = PaymentRequestForm(request.POST, request.FILES, auto_id=PAYMENT_AUTO_ID)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.request_payment(
                actor=request.user,
                voucher_code=voucher.code,
                payee_name=data["payee_name"],
                payee_iban=data["payee_iban"],
                amount=data["amount"],
                description=data["description"],
                document=data["document"],
                idempotency_key=f"web-{request.user.pk}-{data['idempotency_key']}",
            )
        except services.PaymentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Your payment request was submitted; the paying organisation will review it.")
            )
            return redirect(request.path)
    return _holder_page(request, voucher, form=form, status=400)


@login_required
@require_POST
def cash_withdrawal_create(request: HttpRequest, code: str) -> HttpResponse:
    voucher = _holder_voucher(request, code)
    form = CashWithdrawalForm(request.POST, auto_id=CASH_AUTO_ID)
    if form.is_valid():
        try:
            services.withdraw_cash(
                actor=request.user,
                voucher_code=voucher.code,
                amount=form.cleaned_data["amount"],
                description=form.cleaned_data["description"],
                idempotency_key=f"web-{request.user.pk}-{form.cleaned_data['idempotency_key']}",
            )
        except services.PaymentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your cash withdrawal has been requested."))
            return redirect("accounts:payment_request", code=voucher.code)
    return _holder_page(request, voucher, cash_form=form, status=400)


@login_required
def cash_settlement(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_object_or_404(
        PaymentRequest.objects.select_related("voucher"),
        pk=pk,
        requested_by=request.user,
        kind=PaymentKind.CASH,
    )
    form = CashSettlementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.settle_cash(
                actor=request.user,
                payment_request=payment,
                spent=form.cleaned_data["spent"],
                receipts=form.cleaned_data["receipts"],
            )
        except services.PaymentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you, the withdrawal is accounted for."))
            return redirect("accounts:payment_request", code=payment.voucher.code)
    return render(
        request,
        "payments/cash_settlement.html",
        {"payment": payment, "form": form, "amount": format_euros(payment.amount_cents)},
        status=page_status(request),
    )


# ------------------------------------------------------------------------------------------------- staff


StaffView = Callable[..., HttpResponse]


def staff_view(permission: str) -> Callable[[StaffView], StaffView]:
    """Loads the municipality and the paying organisations for which the user holds `permission`."""

    def decorator(view: StaffView) -> StaffView:
        @wraps(view)
        def wrapped(request: HttpRequest, gemeente: str, *args: Any, **kwargs: Any) -> HttpResponse:
            municipality = get_object_or_404(Municipality, slug=gemeente, is_active=True)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            organisations = selectors.organisations_for(
                user=request.user, municipality=municipality, permission=permission
            )
            if not organisations:
                raise PermissionDenied
            request.municipality = municipality  # type: ignore[attr-defined]
            return view(request, municipality, organisations, *args, **kwargs)

        return wrapped

    return decorator


def _request_in(organisations: list[PayingOrganisation], pk: int) -> PaymentRequest:
    return get_object_or_404(
        PaymentRequest.objects.select_related("voucher", "paying_organisation", "requested_by"),
        pk=pk,
        paying_organisation__in=organisations,
    )


@staff_view("payments.approve")
def payer_queue(
    request: HttpRequest, municipality: Municipality, organisations: list[PayingOrganisation]
) -> HttpResponse:
    queue = list(selectors.payer_queue(organisations=organisations))
    for payment in queue:
        payment.balance_cents = selectors.voucher_balance_cents(payment.voucher)  # type: ignore[attr-defined]
    open_cash = PaymentRequest.objects.filter(
        paying_organisation__in=organisations, kind=PaymentKind.CASH, status=PaymentStatus.APPROVED
    ).select_related("voucher")
    return render(
        request,
        "payments/payer_queue.html",
        {
            "municipality": municipality,
            "organisations": organisations,
            "queue": queue,
            "open_cash": open_cash,
            "recent": selectors.recent_decisions(organisations=organisations),
            "reject_form": RejectForm(),
        },
    )


@staff_view("payments.approve")
@require_POST
def approve(
    request: HttpRequest, municipality: Municipality, organisations: list[PayingOrganisation], pk: int
) -> HttpResponse:
    payment = _request_in(organisations, pk)
    try:
        services.approve_payment(actor=request.user, payment_request=payment)
    except services.PaymentError as error:
        messages.error(request, f"{payment}: {error}")
    else:
        messages.success(request, _("%(request)s was approved.") % {"request": payment})
    return redirect("core:payments_queue", gemeente=municipality.slug)


@staff_view("payments.approve")
@require_POST
def reject(
    request: HttpRequest, municipality: Municipality, organisations: list[PayingOrganisation], pk: int
) -> HttpResponse:
    payment = _request_in(organisations, pk)
    try:
        services.reject_payment(
            actor=request.user, payment_request=payment, reason=request.POST.get("reason", "")
        )
    except services.PaymentError as error:
        messages.error(request, f"{payment}: {error}")
    else:
        messages.success(request, _("%(request)s was rejected.") % {"request": payment})
    return redirect("core:payments_queue", gemeente=municipality.slug)


@staff_view("payments.approve")
@require_POST
def cash_returned(
    request: HttpRequest, municipality: Municipality, organisations: list[PayingOrganisation], pk: int
) -> HttpResponse:
    payment = _request_in(organisations, pk)
    try:
        services.return_cash(actor=request.user, payment_request=payment)
    except services.PaymentError as error:
        messages.error(request, f"{payment}: {error}")
    else:
        messages.success(request, _("%(request)s: the money was returned.") % {"request": payment})
    return redirect("core:payments_queue", gemeente=municipality.slug)


@staff_view("payments.approve")
def document(
    request: HttpRequest, municipality: Municipality, organisations: list[PayingOrganisation], pk: int
) -> HttpResponse:
    payment = _request_in(organisations, pk)
    field = payment.settlement_document if request.GET.get("soort") == "bonnen" else payment.document
    if not field:
        raise Http404
    extension = field.name.rsplit(".", 1)[-1]
    with field.open("rb") as stream:
        content = stream.read()
    # Only sniffed PDF/JPEG/PNG are stored; served as a download, never rendered inline.
    content_type = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}.get(extension)
    response = HttpResponse(content, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="betaalverzoek-{payment.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_view("payments.export")
def batches(
    request: HttpRequest, municipality: Municipality, organisations: list[PayingOrganisation]
) -> HttpResponse:
    if request.method == "POST":
        organisation = next((o for o in organisations if str(o.pk) == request.POST.get("organisation")), None)
        if organisation is None:
            raise PermissionDenied
        try:
            batch = services.export_sepa(actor=request.user, paying_organisation=organisation)
        except services.PaymentError as error:
            messages.error(request, str(error))
        else:
            if batch is None:
                messages.info(request, _("There is nothing new to pay."))
            else:
                messages.success(
                    request,
                    ngettext(
                        "SEPA file %(message_id)s created: %(count)d payment, %(total)s.",
                        "SEPA file %(message_id)s created: %(count)d payments, %(total)s.",
                        batch.number_of_transactions,
                    )
                    % {
                        "message_id": batch.message_id,
                        "count": batch.number_of_transactions,
                        "total": format_euros(batch.control_sum_cents),
                    },
                )
        return redirect("core:payments_batches", gemeente=municipality.slug)
    rows = []
    for organisation in organisations:
        totals = selectors.approved_for_export(organisation).aggregate(
            n=Count("pk"), total=Sum("amount_cents")
        )
        rows.append(
            {
                "organisation": organisation,
                "count": totals["n"] or 0,
                "total": format_euros(int(totals["total"] or 0)),
                "batches": selectors.batches_of(organisation)[:20],
            }
        )
    return render(request, "payments/batches.html", {"municipality": municipality, "rows": rows})


@staff_view("payments.export")
def batch_download(
    request: HttpRequest, municipality: Municipality, organisations: list[PayingOrganisation], pk: int
) -> HttpResponse:
    batch = get_object_or_404(SepaBatch, pk=pk, paying_organisation__in=organisations)
    response = HttpResponse(batch.content.encode("utf-8"), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.message_id}.xml"'
    return response


@staff_view("payments.export")
def statements(
    request: HttpRequest, municipality: Municipality, organisations: list[PayingOrganisation]
) -> HttpResponse:
    form = StatementUploadForm(request.POST or None, request.FILES or None, organisations=organisations)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            organisation = next(o for o in organisations if o.pk == form.cleaned_data["organisation"])
            upload = form.cleaned_data["statement"]
            if upload.size > MAX_STATEMENT_UPLOAD:
                form.add_error("statement", _("The statement is too large."))
            else:
                try:
                    record, created = services.import_statement(
                        actor=request.user,
                        paying_organisation=organisation,
                        content=upload.read(),
                        file_name=upload.name or "",
                    )
                except services.PaymentError as error:
                    form.add_error(None, str(error))
                else:
                    if created:
                        messages.success(request, _("The statement was imported."))
                    else:
                        messages.info(
                            request, _("This statement was imported before; nothing was booked again.")
                        )
                    return redirect("core:payments_statements", gemeente=municipality.slug)
    sections = [
        {
            "organisation": o,
            "imports": selectors.statements_of(o).annotate(n=Count("lines"))[:20],
            "to_handle": selectors.lines_to_handle(o)[:200],
        }
        for o in organisations
    ]
    return render(
        request,
        "payments/statements.html",
        {"municipality": municipality, "form": form, "sections": sections},
        status=status,
    )


@staff_view("payments.export")
@require_POST
def handle_line(
    request: HttpRequest, municipality: Municipality, organisations: list[PayingOrganisation], pk: int
) -> HttpResponse:
    line = get_object_or_404(
        StatementLine.objects.select_related("statement__paying_organisation"),
        pk=pk,
        statement__paying_organisation__in=organisations,
    )
    try:
        services.handle_statement_line(actor=request.user, line=line, note=request.POST.get("note", ""))
    except services.PaymentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The line has been handled."))
    return redirect("core:payments_statements", gemeente=municipality.slug)


# ------------------------------------------------------------------------------- paying organisations (staff)


@municipality_permission_required("tenancy.manage")
def paying_organisations(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """Budget managers list the municipality's paying organisations and add one (post/redirect/get)."""
    form = PayingOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation = services.create_paying_organisation(
                actor=request.user,
                municipality=municipality,
                name=data["name"],
                iban=data["iban"],
                bic=data["bic"],
                is_default=data["is_default"],
            )
        except services.PaymentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": organisation.name})
            return redirect("core:payments_organisations", gemeente=municipality.slug)
    return render(
        request,
        "payments/organisations.html",
        {
            "municipality": municipality,
            "organisations": selectors.paying_organisations_in(municipality),
            "form": form,
        },
        status=page_status(request),
    )


@municipality_permission_required("tenancy.manage")
def paying_organisation_edit(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    """Budget managers change a paying organisation's name, IBAN, BIC or default flag (post/redirect/get)."""
    organisation = get_object_or_404(PayingOrganisation, pk=pk, municipality=municipality)
    initial = {
        "name": organisation.name,
        "iban": organisation.iban,
        "bic": organisation.bic,
        "is_default": organisation.is_default,
    }
    form = PayingOrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            updated = services.update_paying_organisation(
                actor=request.user,
                organisation=organisation,
                name=data["name"],
                iban=data["iban"],
                bic=data["bic"],
                is_default=data["is_default"],
            )
        except services.PaymentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s has been saved.") % {"name": updated.name})
            return redirect("core:payments_organisations", gemeente=municipality.slug)
    return render(
        request,
        "payments/organisation_edit.html",
        {"municipality": municipality, "organisation": organisation, "form": form},
        status=page_status(request),
    )
