"""Argon2id first, PBKDF2 hashes upgraded at the next login, throttled attempts never hashed."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
from django.test import Client
from django.urls import reverse

import portal.settings as production
from accounts.hashers import PortalArgon2PasswordHasher
from accounts.models import User
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PRODUCTION_HASHERS = [
    "accounts.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN = reverse("offers:login")


@pytest.fixture
def production_hashers(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    return settings


def test_production_hashes_with_argon2id_first_and_reads_pbkdf2():
    assert production.PASSWORD_HASHERS == PRODUCTION_HASHERS


def test_the_argon2id_parameters_are_the_tuned_ones(production_hashers):
    encoded = PortalArgon2PasswordHasher().encode("hasło", PortalArgon2PasswordHasher().salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=32768,t=3,p=1$")
    assert isinstance(identify_hasher(encoded), PortalArgon2PasswordHasher)


def test_a_pbkdf2_hash_is_upgraded_to_argon2id_at_the_next_login(production_hashers, alice):
    pbkdf2 = PBKDF2PasswordHasher()
    alice.password = pbkdf2.encode("stare-haslo-123", pbkdf2.salt(), iterations=1000)
    alice.save(update_fields=["password"])

    client = Client()
    wrong = client.post(LOGIN, {"username": "alice", "password": "zle-haslo"})
    assert wrong.status_code == 200
    alice.refresh_from_db()
    assert alice.password.startswith("pbkdf2_sha256$")  # a wrong password changes nothing

    right = client.post(LOGIN, {"username": "alice", "password": "stare-haslo-123"})
    assert right.status_code == 302
    alice.refresh_from_db()
    assert alice.password.startswith("argon2$argon2id$v=19$m=32768,t=3,p=1$")
    assert alice.check_password("stare-haslo-123")


def test_an_argon2_hash_with_other_parameters_is_rehashed(production_hashers, alice):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    alice.password = Argon2PasswordHasher().encode("haslo-agenta", Argon2PasswordHasher().salt())
    alice.save(update_fields=["password"])
    assert "m=102400" in alice.password
    assert alice.check_password("haslo-agenta")
    alice.refresh_from_db()
    assert "m=32768,t=3,p=1" in alice.password


@pytest.fixture
def hashing_calls(production_hashers, monkeypatch):  # type: ignore[no-untyped-def]
    calls: list[str] = []
    for hasher in (PortalArgon2PasswordHasher, PBKDF2PasswordHasher):
        for name in ("encode", "verify"):
            original = getattr(hasher, name)

            def counted(self, *args, _original=original, _name=name, **kwargs):  # type: ignore[no-untyped-def]
                calls.append(_name)
                return _original(self, *args, **kwargs)

            monkeypatch.setattr(hasher, name, counted)
    return calls


def test_a_locked_accounts_attempt_is_refused_before_hashing(client, hashing_calls):
    user: User = make_user("dorota")
    user.set_password("dorota-haslo-1")
    user.save(update_fields=["password"])
    hashing_calls.clear()
    for n in range(5):
        client.post(LOGIN, {"username": "dorota", "password": f"zle-{n}"})
    assert hashing_calls.count("verify") == 5  # judged: each wrong password hashed once

    hashing_calls.clear()
    locked = client.post(LOGIN, {"username": "dorota", "password": "dorota-haslo-1"})
    assert "zablokowane" in locked.text
    assert hashing_calls == []


def test_guesses_at_an_unknown_account_stop_costing_hashes_too(client, hashing_calls):
    for n in range(5):
        client.post(LOGIN, {"username": "nikogo-takiego", "password": f"zle-{n}"})
    assert len(hashing_calls) == 5  # Django hashes once for an unknown user, against timing
    hashing_calls.clear()
    refused = client.post(LOGIN, {"username": "nikogo-takiego", "password": "cokolwiek"})
    assert "zablokowane" in refused.text
    assert hashing_calls == []
