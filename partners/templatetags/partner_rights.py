from functools import lru_cache
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


@register.simple_tag(takes_context=True)
def partner_nav(context: dict[str, Any]) -> SafeString:
    """Links to the pages the request's company may open, and nothing else."""
    request = context.get("request")
    partner = getattr(request, "partner", None) if request is not None else None
    if partner is None:
        return SafeString("")
    held = tuple((right.url_name, right.name) for right in partner.held)
    return _nav_html(get_language(), get_script_prefix(), held)


# Every partner page shows the navigation, and companies at one level share it: its HTML
# is kept per process for the active language, the URL prefix and the rights held.
@lru_cache(maxsize=128)
def _nav_html(language: str, prefix: str, held: tuple[tuple[str, str], ...]) -> SafeString:
    from partners.selectors import navigation

    html = render_to_string("partners/includes/nav.html", {"items": navigation(held)})
    return mark_safe(html)  # noqa: S308  # a template's output


@register.simple_tag
def right_items(rights: list[Any], conditions: bool = False) -> SafeString:
    """The <li> of each right in one pass (pages list up to every right there is)."""
    if conditions:
        labels = tuple(
            (right.name, right.get_condition_display() if right.condition else "")
            for right in rights
        )
    else:
        labels = tuple((right.name, "") for right in rights)
    return _right_items(get_language(), labels)


# A home page lists every right of two levels: the <li>s are kept per process for the
# active language and the rights' names and conditions.
@lru_cache(maxsize=256)
def _right_items(language: str, labels: tuple[tuple[str, str], ...]) -> SafeString:
    if not labels:
        return format_html("<li>{}</li>", _("Brak uprawnień."))
    return format_html_join(
        "",
        "<li>{}{}</li>",
        (
            (name, format_html(" ({})", _("wymaga: %(c)s") % {"c": condition}) if condition else "")
            for name, condition in labels
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
