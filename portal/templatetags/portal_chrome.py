"""The parts of base.html around every page: the account links and the language form.

Every page of the portal carries them, and the template engine spent more on
their translations, reversed URLs and CSRF inputs than some pages spend on
their own content. Their fixed HTML is built once per process for a language
and URL prefix; each request adds only its own values (the CSRF token, the
user name, the page's path), escaped here. The markup is what base.html wrote.
"""

from functools import lru_cache
from html import escape

from django import template
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from accounts.csrf import csrf_input

register = template.Library()


@lru_cache(maxsize=32)
def _account_parts(language: str, prefix: str, staff: bool) -> tuple[str, str]:
    """The fixed HTML around the CSRF field and the user name, for the active `language`
    and URL `prefix` (both part of the key: the HTML depends on them)."""
    links = ""
    if staff:
        links = (
            f'<a href="{escape(reverse("notifications:outbox"))}">'
            f"{escape(gettext('Skrzynka wysyłki'))}</a>\n"
            f'          <a href="{escape(reverse("admin:index"))}">'
            f"{escape(gettext('Administracja'))}</a>"
        )
    before = (
        f'{links}\n          <a href="{escape(reverse("organisations:list"))}">'
        f"{escape(gettext('Organizacje'))}</a>\n"
        f'          <form method="post" action="{escape(reverse("accounts:logout"))}" '
        'class="inline-form">\n            '
    )
    button = f'<button type="submit" class="link-button">{escape(gettext("Wyloguj"))} ('
    return before, button


@register.simple_tag(takes_context=True)
def account_links(context: template.Context) -> SafeString:
    """Staff's outbox and admin, the organisations and the logout button of a signed-in user."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return SafeString("")
    before, button = _account_parts(get_language() or "", get_script_prefix(), user.is_staff)
    csrf = csrf_input(context.get("csrf_token"))
    name = escape(user.get_username())
    html = f"{before}{csrf}{button}{name})</button>\n          </form>"
    return mark_safe(html)  # noqa: S308 - every value above is escaped


@lru_cache(maxsize=32)
def _language_parts(current: str, prefix: str) -> tuple[str, str]:
    """The form's fixed HTML before and after the CSRF field and the page's path, for the
    active language `current` and URL `prefix`."""
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


@register.simple_tag(takes_context=True)
def language_form(context: template.Context) -> SafeString:
    """The form that switches the language and comes back to this page."""
    csrf = csrf_input(context.get("csrf_token"))
    if not csrf:  # the 500 page renders without a request
        return SafeString("")
    current = get_language() or settings.LANGUAGE_CODE
    head, tail = _language_parts(current, get_script_prefix())
    request = context.get("request")
    path = request.get_full_path() if request is not None else ""
    next_input = f'\n        <input name="next" type="hidden" value="{escape(path)}">'
    return mark_safe(f"{head}{csrf}{next_input}{tail}")  # noqa: S308 - every value is escaped
