from django import template

from accounts.roles import Role

register = template.Library()


@register.filter
def sms_module(user: object) -> bool:
    """Does the user have the SMS module (agency users, agents given it in the admin)?

    The roles come loaded with the user, so an agent's menu asks no query for it.
    """
    has_role = getattr(user, "has_role", None)
    return bool(has_role and has_role(Role.SMS_USER))
