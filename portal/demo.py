"""Demo data shared by all areas: the staff account."""

from accounts.demo import ensure_user
from accounts.roles import Role

__all__ = ["ensure_user", "load"]


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
