from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def has_right(context: dict[str, Any], code: str) -> bool:
    """{% has_right "pi_section" as can_pi %}: does the request's company hold the right today."""
    request = context.get("request")
    partner = getattr(request, "partner", None) if request is not None else None
    return partner is not None and partner.has(code)


@register.inclusion_tag("partners/includes/nav.html", takes_context=True)
def partner_nav(context: dict[str, Any]) -> dict[str, Any]:
    """Links to the pages the request's company may open, and nothing else."""
    from partners.selectors import navigation

    request = context.get("request")
    partner = getattr(request, "partner", None) if request is not None else None
    return {"items": navigation(partner) if partner is not None else []}
