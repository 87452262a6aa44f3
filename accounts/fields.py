"""Encrypted storage for national identifiers (PESEL, NIP, REGON).

The value is encrypted at rest (Fernet: AES-128-CBC with HMAC-SHA256) with a
key derived from settings.FIELD_ENCRYPTION_KEY. Encryption is randomised, so
the database cannot compare ciphertexts: exact lookups go through a companion
`BlindIndexField` holding a keyed HMAC of the normalised value.

    pesel = EncryptedTextField(_("PESEL"), blank=True)
    pesel_index = BlindIndexField(source="pesel")

    Person.objects.filter(pesel_index=blind_index("85010112345"))

A list that shows many identifiers reads a companion `MaskedField` instead
(what `mask_identifier` shows, kept in clear), so it decrypts nothing:

    pesel_masked = MaskedField(source="pesel")

A model with companions inherits `CompanionsInStep`: a save with
`update_fields` that names a source adds its companions by itself.

    class Person(CompanionsInStep, models.Model): ...
    person.save(update_fields=["pesel"])   # pesel_index, pesel_masked follow
"""

import base64
import hashlib
import hmac
from collections.abc import Sequence
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def _derive(purpose: str, secret: str) -> bytes:
    return hashlib.sha256(f"portal:{purpose}:{secret}".encode()).digest()


@cache
def _fernet(primary: str, retired: tuple[str, ...]) -> MultiFernet:
    keys = [primary, *retired]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive("enc", k))) for k in keys])


def _cipher() -> MultiFernet:
    retired = tuple(getattr(settings, "FIELD_ENCRYPTION_RETIRED_KEYS", ()))
    return _fernet(settings.FIELD_ENCRYPTION_KEY, retired)


def normalise_identifier(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())


def encrypt(value: str) -> str:
    return _cipher().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _cipher().decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored identifier cannot be decrypted: FIELD_ENCRYPTION_KEY changed "
            "without listing the old key in FIELD_ENCRYPTION_RETIRED_KEYS."
        ) from exc


def blind_index(value: str) -> str:
    """Keyed HMAC of the normalised identifier, for exact-match lookups."""
    key = _derive("index", settings.FIELD_ENCRYPTION_KEY)
    return hmac.new(key, normalise_identifier(value).encode(), hashlib.sha256).hexdigest()


def mask_identifier(value: object) -> str:
    """Show only the first two characters: enough to tell numbers apart on a list.

    The trailing digits stay hidden on purpose: the last four of a PESEL or NIP
    are the old portal's file password.
    """
    if not value:
        return ""
    text = str(value)
    visible = 2 if len(text) > 4 else 0
    return text[:visible] + "•" * (len(text) - visible)


class EncryptedTextField(models.TextField):
    """Holds plain text in Python and Fernet ciphertext in the database."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(normalise_identifier(value))

    def get_lookup(self, lookup_name: str):
        # Ciphertexts are random: only "is it set" can be asked of this column.
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def to_python(self, value: Any) -> str | None:
        value = super().to_python(value)
        return normalise_identifier(value) if value else value


class _DerivedField(models.CharField):
    """A column computed from another field (`source`) whenever the row is saved.

    `depends_on` names the fields the value is computed from when `source` is
    a property (e.g. the holder's kind and both identifiers); it defaults to
    `source`. It is not part of the column, so migrations do not carry it.
    """

    defaults: dict[str, Any] = {}

    def __init__(
        self, *args: Any, source: str, depends_on: tuple[str, ...] = (), **kwargs: Any
    ) -> None:
        self.source = source
        self.depends_on = depends_on or (source,)
        super().__init__(*args, **(self.defaults | kwargs))

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in self.defaults.items():
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs


class BlindIndexField(_DerivedField):
    """HMAC of another field's plain value, filled on every save."""

    defaults = {"max_length": 64, "editable": False, "db_index": True, "blank": True}

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        plain = getattr(model_instance, self.source)
        value = blind_index(plain) if plain else ""
        setattr(model_instance, self.attname, value)
        return value


_MISSING = object()


class MaskedField(_DerivedField):
    """The masked form of another field's plain value (or property), filled on every save.

    Holds only what every page may show anyway (`mask_identifier`): lists read
    it instead of decrypting the identifier on each row.
    """

    defaults = {"max_length": 20, "editable": False, "blank": True}

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        plain = getattr(model_instance, self.source, _MISSING)
        if plain is _MISSING:
            # A historical model (in a migration) lacks the model's properties.
            return getattr(model_instance, self.attname)
        value = mask_identifier(plain)
        setattr(model_instance, self.attname, value)
        return value


class CompanionsInStep:
    """Keeps derived columns (lookup hash, masked copy) in step on `save(update_fields=…)`.

    Without it a service that saved only `holder_pesel` would leave the old
    PESEL's hash and mask behind: searches would find the old number. A plain
    mixin, not an abstract model, because this module is imported (by the
    logging set-up) before the apps are loaded; list it before models.Model.
    """

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is not None:
            kwargs["update_fields"] = with_companions(type(self), fields)  # type: ignore[arg-type]  # mixed into a Model
        super().save(*args, **kwargs)  # type: ignore[misc]  # models.Model.save, next in the MRO


def with_companions(model: type[models.Model], update_fields: Any) -> list[str]:
    """`update_fields` and every derived field computed from one of them."""
    names = list(dict.fromkeys(update_fields))
    named = set(names)
    for field in model._meta.concrete_fields:
        if isinstance(field, _DerivedField) and named & set(field.depends_on):
            if field.name not in named:
                names.append(field.name)
    return names
