"""Partner companies at any level, their users, and a staff member with a second factor."""

import uuid
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organisation, User
from accounts.roles import Role
from partners import caching
from partners.models import Document, Level, PartnerProfile, Program, Right, StoredFile
from tests.conftest import make_user, session_verified_by

NIPS = ["5260250274", "7740001454", "5252248481", "1132853869", "9512370578", "6760004231"]
_counter = {"n": 0}


@pytest.fixture(autouse=True)
def _own_cache(settings):  # type: ignore[no-untyped-def]
    """Each test reads and fills partner pages' cache entries of its own, never another's."""
    caches = {name: dict(conf) for name, conf in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches


def make_company(
    name: str,
    *,
    level: int = 2,
    subscription_sales: bool = False,
    on_distributor_list: bool = False,
    technician_until: date | None = None,
    nip: str | None = None,
) -> Organisation:
    _counter["n"] += 1
    company = Organisation.objects.create(
        kind=Organisation.Kind.PARTNER,
        name=name,
        nip=nip or NIPS[_counter["n"] % len(NIPS)],
        address="ul. Polna 1, 00-001 Warszawa",
        email=f"biuro{_counter['n']}@example.com",
    )
    PartnerProfile.objects.create(
        organisation=company,
        level=Level.objects.get(number=level),
        subscription_sales=subscription_sales,
        on_distributor_list=on_distributor_list,
        technician_until=technician_until,
    )
    return company


def add_member(user: User, company: Organisation) -> User:
    Membership.objects.create(user=user, organisation=company)
    return user


@pytest.fixture
def partner_user(db) -> Callable[[str, Organisation], User]:  # type: ignore[no-untyped-def]
    def make(username: str, company: Organisation) -> User:
        return add_member(make_user(username, Role.PARTNER), company)

    return make


def login_client(user: User) -> Client:
    """A session for `user`, verified by a TOTP device (partners from level 3 need one)."""
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return session_verified_by(user, device)


@pytest.fixture
def firm_a(db) -> Organisation:  # type: ignore[no-untyped-def]
    return make_company("Alfa Serwis sp. z o.o.", level=2, nip="5260250274")


@pytest.fixture
def firm_c(db) -> Organisation:  # type: ignore[no-untyped-def]
    return make_company("Gamma Soft s.c.", level=2, nip="7740001454")


@pytest.fixture
def alice(db, firm_a) -> User:  # type: ignore[no-untyped-def]
    """A partner user of firm A."""
    return add_member(
        make_user("alice", Role.PARTNER, first_name="Alicja", last_name="Nowak"), firm_a
    )


@pytest.fixture
def bob(db, firm_a) -> User:  # type: ignore[no-untyped-def]
    """Alice's colleague at firm A."""
    return add_member(
        make_user("bob", Role.PARTNER, first_name="Bogdan", last_name="Kowal"), firm_a
    )


@pytest.fixture
def charlie(db, firm_c) -> User:  # type: ignore[no-untyped-def]
    """A partner user of another company."""
    return add_member(
        make_user("charlie", Role.PARTNER, first_name="Czesław", last_name="Obcy"), firm_c
    )


@pytest.fixture
def staff_client(staff) -> Client:  # type: ignore[no-untyped-def]
    return login_client(staff)


def set_level(company: Organisation, number: int) -> None:
    PartnerProfile.objects.filter(organisation=company).update(
        level=Level.objects.get(number=number)
    )


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def make_document(code: str, title: str = "Instrukcja", data: bytes = PDF_BYTES) -> Document:
    stored = StoredFile.objects.create(
        name=f"{title}.pdf", content_type="application/pdf", size=len(data), data=data
    )
    document = Document.objects.create(right=Right.objects.get(code=code), title=title, file=stored)
    caching.documents_changed()  # as the admin does on every document it saves
    return document


@pytest.fixture
def program(db) -> Program:  # type: ignore[no-untyped-def]
    return Program.objects.create(code="rachmistrz", name="Rachmistrz", price_net="500.00")


def level_client(username: str, level: int, **company: object) -> tuple[Client, User]:
    """A verified session of a new user of a new company at `level`."""
    firm = make_company(f"Firma {username}", level=level, **company)  # type: ignore[arg-type]
    user = add_member(make_user(username, Role.PARTNER), firm)
    return login_client(user), user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """These tests create many users; the hasher's strength is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
