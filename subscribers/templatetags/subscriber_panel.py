"""The subscriber pages' repeated parts, rendered in one pass.

Every subscriber page carries the side panel, and the template engine spends
more on its links, package bars and number switches (URL reversing, variable
lookups, auto-escaping through lazy-aware wrappers) than the page spends on
its queries. The same HTML is built here with `html.escape`; the markup
matches what the template wrote before.
"""

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

from accounts.csrf import csrf_input
from payments.formatting import format_amount

register = template.Library()

# The area's menu: (URL name, label); the labels are gettext messages of the templates.
_MENU = (
    ("subscribers:home", gettext_noop("Start")),
    ("subscribers:data", gettext_noop("Dane abonenta")),
    ("subscribers:payments", gettext_noop("Płatności")),
    ("subscribers:tariff", gettext_noop("Taryfa")),
    ("subscribers:services", gettext_noop("Usługi")),
    ("subscribers:cases", gettext_noop("Kontakt z BOK")),
    ("subscribers:profit", gettext_noop("Program Profit")),
)
# The menu's HTML per script prefix and language: the same on every page.
_menus: dict[tuple[str, str], SafeString] = {}


@register.simple_tag
def sub_menu() -> SafeString:
    key = (get_script_prefix(), get_language() or "")
    menu = _menus.get(key)
    if menu is None:
        links = "".join(
            f'\n      <a href="{escape(reverse(name))}">{escape(gettext(label))}</a>'
            for name, label in _MENU
        )
        label = escape(gettext("Idea24 on-line"))
        html = f'<nav class="sub-menu" aria-label="{label}">{links}\n    </nav>'
        menu = _menus[key] = mark_safe(html)  # noqa: S308 - every value above is escaped
    return menu


@register.simple_tag
def sub_facts(sub: Any, last_invoice: dict[str, Any] | None, period: tuple[Any, Any]) -> SafeString:
    """The panel's summary line, its facts (number, account, tariff, last invoice) and the
    heading of the package's period."""
    contract = sub.contract
    number = escape(contract.display_msisdn)
    label = f" ({escape(contract.label)})" if contract.label else ""
    invoice = "—"
    if last_invoice:
        invoice = escape(format_amount(last_invoice["gross_total"]))
        if not last_invoice["is_paid"]:
            invoice += f' <span class="badge badge--warn">{escape(gettext("do zapłaty"))}</span>'
    start, end = period
    html = (
        f"<summary>{escape(gettext('Mój numer'))}: <strong>{number}</strong></summary>\n"
        '    <dl class="sub-facts">\n'
        f"      <dt>{escape(gettext('Numer telefonu'))}</dt>"
        f'<dd data-testid="panel-number">{number}{label}</dd>\n'
        f"      <dt>{escape(gettext('Numer konta'))}</dt><dd>{escape(sub.account.number)}</dd>\n"
        f"      <dt>{escape(gettext('Plan taryfowy'))}</dt>"
        f"<dd>{escape(contract.tariff.name)}</dd>\n"
        f"      <dt>{escape(gettext('Ostatnia faktura'))}</dt><dd>{invoice}</dd>\n"
        "    </dl>\n"
        f'    <h2 class="sub-panel__h">{escape(gettext("Pakiet w okresie"))} '
        f"{start:%d.%m}–{end:%d.%m.%Y}</h2>"
    )
    return mark_safe(html)  # noqa: S308 - every value above is escaped or a date


@register.simple_tag
def sub_code_and_logout(code_ok: bool, csrf_token: Any) -> SafeString:
    """Whether the subscriber code was given (or where to give it), and the logout button."""
    if code_ok:
        help_text = escape(gettext("Kod abonencki podany — możesz wprowadzać zmiany."))
    else:
        help_text = (
            f'<a href="{escape(sub_url("subscribers:code"))}">'
            f"{escape(gettext('Podaj kod abonencki'))}</a>, "
            f"{escape(gettext('aby wprowadzać zmiany.'))}"
        )
    csrf = csrf_input(csrf_token)
    html = (
        f'<p class="help">{help_text}</p>\n'
        f'    <form method="post" action="{escape(sub_url("subscribers:logout"))}">{csrf}'
        '<button type="submit" class="button button--secondary button--small">'
        f"{escape(gettext('Wyloguj'))}</button></form>"
    )
    return mark_safe(html)  # noqa: S308 - every value above is escaped


_BAR = (
    '<div class="sub-bar"><label for="{id}">{label}: {used} / {limit}</label>\n'
    '      <meter id="{id}" min="0" max="{limit}" value="{used}" high="{high}">'
    "{used} / {limit}</meter></div>"
)


@register.simple_tag
def sub_bars(tariff: Any, usage: dict[str, int] | None) -> SafeString:
    """The package's minutes, SMS and data as bars (`<meter>`), high from 90% of the package."""
    usage = usage or {}
    bars = (
        ("bar-min", gettext("Minuty"), usage.get("minutes_used") or 0, tariff.minutes),
        ("bar-sms", gettext("SMS-y"), usage.get("sms_used") or 0, tariff.sms),
        ("bar-data", gettext("Internet (MB)"), usage.get("data_mb_used") or 0, tariff.data_mb),
    )
    html = [
        _BAR.format(
            id=bar_id,
            label=escape(label),
            used=int(used),
            limit=int(limit),
            # As {% widthratio limit 10 9 %} wrote it.
            high=round(float(limit) / 10.0 * 9.0),
        )
        for bar_id, label, used, limit in bars
    ]
    return mark_safe("\n    ".join(html))  # noqa: S308 - the labels are escaped, the rest are ints


@register.simple_tag
def sub_numbers(contracts: Iterable[Any], current: Any, csrf_token: Any, path: str) -> SafeString:
    """The account's numbers: the current one marked, each other one a switch (POST) to it."""
    # One reverse() for the list instead of one per number.
    action = reverse("subscribers:switch", args=[999_999_999]).replace("999999999", "{}")
    hidden = f'{csrf_input(csrf_token)}<input type="hidden" name="next" value="{escape(path)}">'

    html = []
    for contract in contracts:
        number = escape(contract.display_msisdn)
        if contract.pk == current.pk:
            item = f'<strong aria-current="true">{number}</strong>'
        else:
            item = (
                f'<form method="post" action="{escape(action.format(contract.pk))}" '
                f'class="inline-form">{hidden}<button type="submit" class="link-button">'
                f"{number}</button></form>"
            )
        if contract.label:
            item += f' <span class="help">{escape(contract.label)}</span>'
        html.append(f"<li>{item}</li>")
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


# Reversed URLs without arguments, per script prefix: the same on every page.
_urls: dict[tuple[str, str], str] = {}


@register.simple_tag
def sub_url(name: str) -> str:
    """`{% url name %}` for a URL without arguments, reversed once per process."""
    key = (get_script_prefix(), name)
    url = _urls.get(key)
    if url is None:
        url = _urls[key] = reverse(name)
    return url


_INVOICE = (
    '<tr>\n    <td><a href="{url}">{number}</a></td>\n    <td>{period}</td>\n'
    '    <td class="num">{amount}</td>\n    <td>{state}</td>\n'
    '    <td><a href="{pdf_url}">{download}</a></td>\n  </tr>'
)


@register.simple_tag
def invoice_rows(rows: Iterable[Any]) -> SafeString:
    """The rows of the payments page's invoice table (`selectors.InvoiceRow`)."""
    paid = escape(gettext("zapłacona"))
    unpaid = "<strong>{}</strong>".format(escape(gettext("do zapłaty")))
    download = escape(gettext("pobierz"))
    html = [
        _INVOICE.format(
            url=escape(row.url),
            number=escape(row.number),
            period=escape(row.period),
            amount=escape(row.amount),
            state=paid if row.paid else unpaid,
            pdf_url=escape(row.pdf_url),
            download=download,
        )
        for row in rows
    ]
    if not html:
        html.append('<tr><td colspan="5">{}</td></tr>'.format(escape(gettext("Brak faktur."))))
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped
