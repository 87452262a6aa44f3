"""Shared fixtures: named users, a clean rate-limit namespace per test, a Redis client."""

import uuid

import pytest
import redis
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY

from accounts import ratelimit
from accounts.models import User
from accounts.roles import Role
from portal.celery import app as celery_app


def pytest_configure(config: pytest.Config) -> None:
    if not settings.DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise pytest.UsageError(
            "Tests run on PostgreSQL: use `make test`, or set DATABASE_URL and REDIS_URL."
        )
    # Tests make many users: a cheap hasher first keeps them fast. The production
    # list (Argon2id, then PBKDF2) is checked in tests/accounts/test_passwords.py,
    # whose tests put it back.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture(autouse=True, scope="session")
def _eager_tasks():  # type: ignore[no-untyped-def]
    """Tasks run in-process when queued (after commit); the worker tests turn this off."""
    celery_app.conf.task_always_eager = True
    yield


@pytest.fixture(autouse=True)
def _isolated_rate_limits(settings):  # type: ignore[no-untyped-def]
    """Each test counts failures in its own Redis namespace, removed afterwards."""
    prefix = f"test-rl-{uuid.uuid4().hex}"
    settings.RATELIMIT_PREFIX = prefix
    url = settings.REDIS_URL  # a test may point REDIS_URL elsewhere
    yield
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def redis_client():  # type: ignore[no-untyped-def]
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield client
    client.close()


def make_user(username: str, role: Role | None = None, **fields: object) -> User:
    user = User.objects.create_user(
        username=username,
        password=f"{username}-secret-pass",
        email=f"{username}@example.com",
        **fields,
    )
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def alice(db) -> User:  # type: ignore[no-untyped-def]
    return make_user("alice", Role.AGENT, first_name="Alicja", last_name="Nowak")


@pytest.fixture
def bob(db) -> User:  # type: ignore[no-untyped-def]
    return make_user("bob", Role.AGENT, first_name="Bogdan", last_name="Kowal")


@pytest.fixture
def charlie(db) -> User:  # type: ignore[no-untyped-def]
    return make_user("charlie", Role.SUBSCRIBER, first_name="Czesław", last_name="Obcy")


@pytest.fixture
def staff(db) -> User:  # type: ignore[no-untyped-def]
    return make_user("staff", Role.STAFF, is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def _default_language():  # type: ignore[no-untyped-def]
    """A request in English leaves the thread speaking it (LocaleMiddleware activates a
    language and nothing deactivates it): the next test starts in Polish again."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _reset_ratelimit_store():  # type: ignore[no-untyped-def]
    yield
    ratelimit.reset_store()


@pytest.fixture
def reference_data(transactional_db):  # type: ignore[no-untyped-def]
    """Roles and products, whatever an earlier transactional test's flush left.

    A transactional test (live server, worker, threads) empties every table at
    its end, data migrations' rows included, and `serialized_rollback` does not
    bring them back when ordinary tests ran first in the session; so the data
    migrations' own idempotent functions run again.
    """
    import importlib

    from django.apps import apps

    importlib.import_module("accounts.migrations.0002_roles").create_roles(apps, None)
    importlib.import_module("offers.migrations.0003_products").add_products(apps, None)
    importlib.import_module("partners.migrations.0002_rights_matrix").load_matrix(apps, None)
    importlib.import_module("partners.migrations.0004_forums_and_lines").load(apps, None)


def session_verified_by(user: User, device: object) -> Client:
    """A browser session that passed the password and the second factor with `device`."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # type: ignore[attr-defined]
    session.save()
    return client


@pytest.fixture
def sms_gateway(settings):  # type: ignore[no-untyped-def]
    """The in-memory SMS gateway, emptied: read `.sent`, script `.fail_next(...)`."""
    from notifications.gateways import get_gateway

    settings.SMS_GATEWAY = "memory"
    gateway = get_gateway("memory")
    gateway.reset()  # type: ignore[attr-defined]
    yield gateway
    gateway.reset()  # type: ignore[attr-defined]


@pytest.fixture
def organisation(alice, bob):  # type: ignore[no-untyped-def]
    """Alice's agency: alice owns it, bob is on her team, charlie is outside it.

    The remote sale does not use it: there an agent sees only their own offers.
    """
    from accounts.models import Membership, Organisation

    agency = Organisation.objects.create(
        kind=Organisation.Kind.SMS_AGENCY,
        name="Agencja Nowak",
        nip="7740001454",
        address="ul. Polna 1, 00-001 Warszawa",
    )
    Membership.objects.create(organisation=agency, user=alice, role=Membership.Role.OWNER)
    Membership.objects.create(organisation=agency, user=bob, role=Membership.Role.MEMBER)
    return agency


@pytest.fixture
def staff_client(staff):  # type: ignore[no-untyped-def]
    """The staff user signed in with both factors: the admin opens only to such a session."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    return session_verified_by(staff, device)
