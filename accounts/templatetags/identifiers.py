from django import template

from accounts.fields import mask_identifier

register = template.Library()


@register.filter
def masked(value: str | None) -> str:
    """{{ person.pesel|masked }}: the identifier with all but its first two characters hidden."""
    return mask_identifier(value)
