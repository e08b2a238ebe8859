"""The printable voucher: HTML rendered to PDF by WeasyPrint, with a QR code to the public verification page."""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from weasyprint import HTML

from .models import Voucher
from .selectors import public_summary


def qr_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=5, border=2))


def voucher_pdf(voucher: Voucher, *, verification_url: str, base_url: str) -> bytes:
    html = render_to_string(
        "vouchers/voucher_pdf.html",
        {
            "voucher": voucher,
            "summary": public_summary(voucher),
            "verification_url": verification_url,
            "qr": qr_data_uri(verification_url),
        },
    )
    # Uncompressed: one page, and the code stays findable in the file (title and keywords metadata).
    pdf = HTML(string=html, base_url=base_url).write_pdf(uncompressed_pdf=True)
    assert pdf is not None
    return bytes(pdf)
