"""Demo data shared by all areas: the staff account."""

from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role


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


def load() -> list[str]:
    ensure_user(
        username="admin",
        password="admin",
        role=Role.STAFF,
        is_staff=True,
        is_superuser=True,
        email="admin@portal.localhost",
        first_name="Administrator",
    )
    return ["Obsługa portalu: admin / admin  →  /admin/ oraz /powiadomienia/skrzynka/"]
