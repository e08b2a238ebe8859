"""The district's download of a round as a pabulib file (anonymous voter ids, no personal data)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from .models import Round
from .pabulib_io import export_filename, export_round
from .views import staff_view


@staff_view
@require_GET
def staff_export(request: HttpRequest, the_round: Round) -> HttpResponse:
    response = HttpResponse(export_round(the_round), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(the_round)}"'
    return response
