"""Demo data helpers every area's `demo` module may use (development only)."""

from django.contrib.auth.models import Group

from .models import User
from .roles import Role


def ensure_user(
    *, username: str, password: str, role: Role | None = None, **fields: object
) -> User:
    """Create the demo user once; on later runs leave it (and its password) as it is."""
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user
