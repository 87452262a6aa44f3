from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def widget(field: BoundField, **attrs: str) -> SafeString:
    """Render a field's input tied to its help text and errors for screen readers."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_help")
    if field.errors:
        described_by.append(f"{field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    widget_attrs: dict[str, str | bool] = dict(attrs)
    return format_html("{}", field.as_widget(attrs=widget_attrs))


@register.simple_tag
def widget_attrs(attrs: dict[str, Any]) -> SafeString:
    """A widget's attributes as Django's own attrs.html writes them, in one pass: False
    leaves an attribute out, True writes its bare name, anything else name="value"."""
    html = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            html.append(f" {escape(str(name))}")
        else:
            html.append(f' {escape(str(name))}="{escape(str(value))}"')
    return mark_safe("".join(html))  # noqa: S308 - every name and value above is escaped


@register.simple_tag
def select_options(choices: Iterable[Any], selected: Any) -> SafeString:
    """The <option>s of a hand-written <select>, the selected one marked.

    `choices` are (value, label) pairs or bare values. Busy pages (the agent's
    offer list) write their filters by hand: this renders a select's options in
    one pass instead of a loop of template nodes.
    """
    chosen = "" if selected is None else str(selected)
    html = []
    for choice in choices:
        value, label = choice if isinstance(choice, tuple | list) else (choice, choice)
        value = str(value)
        mark = " selected" if value == chosen else ""
        html.append(f'<option value="{escape(value)}"{mark}>{escape(str(label))}</option>')
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped
