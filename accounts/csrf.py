"""What {% csrf_token %} writes, for template tags that build a form's HTML in one pass."""

from html import escape


def csrf_input(token: object) -> str:
    """The hidden CSRF field for the request's `csrf_token` ("" without one, as on the 500
    page, which renders without a request)."""
    value = str(token) if token else ""
    if not value or value == "NOTPROVIDED":  # noqa: S105 - Django's marker for no token
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(value)}">'
