from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def has_right(context: dict[str, Any], code: str) -> bool:
    """{% has_right "pi_section" as can_pi %}: does the request's company hold the right today."""
    request = context.get("request")
    partner = getattr(request, "partner", None) if request is not None else None
    return partner is not None and partner.has(code)


# The navigation's HTML per language, URL prefix and set of rights held, kept per process:
# every partner page shows it, and companies at one level share it.
_nav_memo: dict[tuple[Any, ...], SafeString] = {}
_NAV_MEMO_SIZE = 128


@register.simple_tag(takes_context=True)
def partner_nav(context: dict[str, Any]) -> SafeString:
    """Links to the pages the request's company may open, and nothing else."""
    from partners.selectors import navigation

    request = context.get("request")
    partner = getattr(request, "partner", None) if request is not None else None
    if partner is None:
        return SafeString("")
    held = tuple((right.url_name, right.name) for right in partner.held)
    key = (get_language(), get_script_prefix(), held)
    html = _nav_memo.get(key)
    if html is None:
        items = navigation(partner)
        html = mark_safe(render_to_string("partners/includes/nav.html", {"items": items}))  # noqa: S308  # a template's output
        if len(_nav_memo) >= _NAV_MEMO_SIZE:
            _nav_memo.clear()
        _nav_memo[key] = html
    return html


# The <li>s of a list of rights per language, kept per process: pure output of the
# rights' names and conditions, which every home page shows at length.
_items_memo: dict[tuple[Any, ...], SafeString] = {}
_ITEMS_MEMO_SIZE = 256


@register.simple_tag
def right_items(rights: list[Any], conditions: bool = False) -> SafeString:
    """The <li> of each right in one pass (pages list up to every right there is)."""
    key = (
        get_language(),
        conditions,
        tuple((right.name, right.condition if conditions else "") for right in rights),
    )
    html = _items_memo.get(key)
    if html is None:
        html = _right_items(rights, conditions)
        if len(_items_memo) >= _ITEMS_MEMO_SIZE:
            _items_memo.clear()
        _items_memo[key] = html
    return html


def _right_items(rights: list[Any], conditions: bool) -> SafeString:
    if not rights:
        return format_html("<li>{}</li>", _("Brak uprawnień."))
    if not conditions:
        return format_html_join("", "<li>{}</li>", ((right.name,) for right in rights))
    return format_html_join(
        "",
        "<li>{}{}</li>",
        (
            (
                right.name,
                format_html(" ({})", _("wymaga: %(c)s") % {"c": right.get_condition_display()})
                if right.condition
                else "",
            )
            for right in rights
        ),
    )


@register.simple_tag
def document_items(documents: list[Any]) -> SafeString:
    """The home page's newest documents, each <li> in one pass: link, library, date."""
    parts = []
    for document in documents:
        at = timezone.localtime(document.published_at)
        parts.append(
            format_html(
                '<li><a href="{}">{}</a> <small>({}, {})</small></li>',
                reverse("partners:document", args=[document.pk]),
                document.title,
                document.right.name,
                f"{at.day}.{at:%m.%Y}",
            )
        )
    return mark_safe("".join(parts))  # noqa: S308  # each part built by format_html


def _post_article(post: dict[str, Any], reply_label: str) -> SafeString:
    at = timezone.localtime(post["created_at"])
    reply = ""
    if post["reply_to_id"]:
        reply = format_html(
            ' · {} <a href="#p{}">#{}</a>', reply_label, post["reply_to_id"], post["reply_to_id"]
        )
    name = f"{post['author__first_name']} {post['author__last_name']}".strip()
    return format_html(
        '<article class="card post" id="p{}">\n  <p><strong>{}</strong> ({}), {}{}</p>\n'
        '  <div class="prose">{}</div>\n</article>',
        post["pk"],
        name or post["author__username"],
        post["company__name"],
        f"{at.day}.{at:%m.%Y %H:%M}",
        reply,
        # Sanitised when the post was saved (partners.markdown): stored, never built here.
        mark_safe(post["body_html"]),  # noqa: S308
    )


@register.simple_tag
def post_articles(posts: Any) -> SafeString:
    """A page of forum posts (rows of `partners.views.POST_COLUMNS`) in one pass."""
    label = _("w odpowiedzi na")
    parts = [_post_article(post, label) for post in posts]
    return mark_safe("".join(parts))  # noqa: S308  # each part built by format_html
