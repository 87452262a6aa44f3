"""The parts of base.html around every page: the account links and the language form.

Every page of the portal carries them, and the template engine spent more on
their translations, reversed URLs and CSRF inputs than some pages spend on
their own content. Their fixed HTML is built once per process for a language
and URL prefix; each request adds only its own values (the CSRF token, the
user name, the page's path), escaped here. The markup is what base.html wrote.
"""

from html import escape
from typing import Any

from django import template
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()

_fixed: dict[tuple[str, ...], tuple[str, ...]] = {}


def _memo(key: tuple[str, ...], build: Any) -> tuple[str, ...]:
    parts = _fixed.get(key)
    if parts is None:
        parts = _fixed[key] = build()
    return parts


def _csrf_input(context: template.Context) -> str:
    """What {% csrf_token %} writes."""
    token = context.get("csrf_token")
    if not token or str(token) == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'


@register.simple_tag(takes_context=True)
def account_links(context: template.Context) -> SafeString:
    """Staff's outbox and admin, the organisations and the logout button of a signed-in user."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return SafeString("")

    def build() -> tuple[str, ...]:
        staff = ""
        if user.is_staff:
            staff = (
                f'<a href="{escape(reverse("notifications:outbox"))}">'
                f"{escape(gettext('Skrzynka wysyłki'))}</a>\n"
                f'          <a href="{escape(reverse("admin:index"))}">'
                f"{escape(gettext('Administracja'))}</a>"
            )
        before = (
            f'{staff}\n          <a href="{escape(reverse("organisations:list"))}">'
            f"{escape(gettext('Organizacje'))}</a>\n"
            f'          <form method="post" action="{escape(reverse("accounts:logout"))}" '
            'class="inline-form">\n            '
        )
        button = f'<button type="submit" class="link-button">{escape(gettext("Wyloguj"))} ('
        return before, button

    key = ("account", get_language() or "", get_script_prefix(), str(bool(user.is_staff)))
    before, button = _memo(key, build)
    name = escape(user.get_username())
    html = f"{before}{_csrf_input(context)}{button}{name})</button>\n          </form>"
    return mark_safe(html)  # noqa: S308 - every value above is escaped


@register.simple_tag(takes_context=True)
def language_form(context: template.Context) -> SafeString:
    """The form that switches the language and comes back to this page."""
    csrf = _csrf_input(context)
    if not csrf:  # the 500 page renders without a request
        return SafeString("")
    current = get_language() or settings.LANGUAGE_CODE

    def build() -> tuple[str, ...]:
        options = "".join(
            f'<option value="{escape(code)}"{" selected" if code == current else ""}>'
            f"{escape(str(name))}</option>"
            for code, name in settings.LANGUAGES
        )
        head = (
            f'<form action="{escape(reverse("set_language"))}" method="post" '
            'class="language-form">\n        '
        )
        tail = (
            f'\n        <label for="language">{escape(gettext("Język"))}</label>\n'
            f'        <select name="language" id="language">\n          {options}\n'
            "        </select>\n"
            '        <button type="submit" class="button button--small">'
            f"{escape(gettext('Zmień'))}</button>\n      </form>"
        )
        return head, tail

    head, tail = _memo(("language", current, get_script_prefix()), build)
    request = context.get("request")
    path = request.get_full_path() if request is not None else ""
    next_input = f'\n        <input name="next" type="hidden" value="{escape(path)}">'
    return mark_safe(f"{head}{csrf}{next_input}{tail}")  # noqa: S308 - every value is escaped
