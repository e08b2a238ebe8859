"""Template context every page needs: the current municipality (for the theme) and the language."""

from typing import Any

from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"municipality": getattr(request, "municipality", None)}
