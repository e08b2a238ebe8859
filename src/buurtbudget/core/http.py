"""Small HTTP conventions shared by the server-rendered pages."""

from django.http import HttpRequest


def page_status(request: HttpRequest) -> int:
    """Status of a form page drawn by its own view.

    A POST only ends up drawing the page again when the form was refused (a valid one redirects), so that answer
    is 400; the plain GET of the page is 200.
    """
    return 400 if request.method == "POST" else 200
