from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import CharField, Model, OuterRef, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Cast
from django_otp import device_classes
from django_otp.models import Device

from .models import User
from .statements import ID, objects


@cache
def _device_models() -> tuple[type[Device], ...]:
    """Every kind of device that can verify a session: TOTP, recovery codes, SMS passwords."""
    return tuple(device_classes())


def _annotation(model: type[Model]) -> str:
    return f"otp_ids_{model._meta.model_name}"


def _confirmed_device_ids(model: type[Model]) -> Subquery:
    """The ids of the user's confirmed devices of one kind, as "3,7" (None if none)."""
    ids = (
        model._default_manager.filter(user=OuterRef("pk"), confirmed=True)
        .order_by()
        .values("user")
        .annotate(ids=StringAgg(Cast("id", CharField()), Value(",")))
        .values("ids")
    )
    return Subquery(ids, output_field=CharField())


def _user_with_roles_and_devices() -> QuerySet[User]:
    """The user-with-roles-and-devices query (`accounts.statements`: compiled once).

    The ORM builds and compiles it in about a millisecond, several times what
    PostgreSQL needs to run it; it runs on every request of a signed-in user.
    """
    devices = {_annotation(model): _confirmed_device_ids(model) for model in _device_models()}
    return User._default_manager.filter(pk=ID).annotate(
        role_list=StringAgg("groups__name", Value(","), default=Value("")), **devices
    )


class PortalModelBackend(ModelBackend):
    """Django's backend, loading the user together with their role names and devices.

    Every page of an area asks for the user's role, and every agent page for the
    device that verified the session (`accounts.middleware.SecondFactorMiddleware`):
    one query, compiled once per process, instead of three on each request.
    """

    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        found = objects(_user_with_roles_and_devices, {ID: pk})
        user = found[0] if found else None
        if user is None or not self.user_can_authenticate(user):
            return None
        # role_list and the device ids are columns of the raw query, not fields.
        user._role_names = {name for name in user.role_list.split(",") if name}  # type: ignore[attr-defined]  # a column of the raw query
        user._otp_device_ids = {  # type: ignore[attr-defined]  # a cache the role and OTP checks read
            f"{model.model_label()}/{device_id}"
            for model in _device_models()
            for device_id in (getattr(user, _annotation(model)) or "").split(",")
            if device_id
        }
        return user
