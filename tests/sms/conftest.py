from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from notifications.sms import services
from notifications.sms.models import Agency, InsuredPerson, Policy, Template, Vehicle
from tests.invoicing.conftest import fa3_schema  # noqa: F401  (the official FA(3) XSD, shared)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """The named users' passwords hashed quickly: these tests are not about hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_agency(name: str, code: str, *members: User) -> Agency:
    organisation = Organisation.objects.create(
        kind=Organisation.Kind.SMS_AGENCY,
        name=name,
        nip="5260250274",
        address="ul. Polna 1, 00-001 Warszawa",
        email=f"biuro@{code.lower()}.pl",
    )
    for member in members:
        Membership.objects.create(organisation=organisation, user=member)
    return Agency.objects.create(organisation=organisation, registration_code=code)


@pytest.fixture
def agency(alice: User, bob: User) -> Agency:
    """Alice's agency; bob works there too."""
    return make_agency("Agencja Alfa", "SMSALFA22", alice, bob)


@pytest.fixture
def other_agency(charlie: User) -> Agency:
    return make_agency("Agencja Obca", "SMSOBCA33", charlie)


@pytest.fixture
def alice_client(alice: User, agency: Agency) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def charlie_client(charlie: User, other_agency: Agency) -> Client:
    client = Client()
    client.force_login(charlie)
    return client


def add_person(
    agency: Agency,
    first: str = "Łukasz",
    last: str = "Wójcik",
    phone: str = "+48600100200",
    consent: bool = True,
    **fields: object,
) -> InsuredPerson:
    return InsuredPerson.objects.create(
        agency=agency,
        first_name=first,
        last_name=last,
        phone=phone,
        marketing_consent=consent,
        consent_at=timezone.now() if consent else None,
        consent_source="form" if consent else "",
        **fields,
    )


@pytest.fixture
def person(agency: Agency) -> InsuredPerson:
    return add_person(agency)


def add_vehicle(person: InsuredPerson, registration: str, inspection: date) -> Vehicle:
    return Vehicle.objects.create(
        agency=person.agency, person=person, registration=registration, inspection_date=inspection
    )


def add_policy(person: InsuredPerson, number: str, end: date, premium: str = "812.40") -> Policy:
    return Policy.objects.create(
        agency=person.agency,
        person=person,
        number=number,
        insurer="Warta",
        end_date=end,
        premium=Decimal(premium),
    )


@pytest.fixture
def inspection_template(agency: Agency) -> Template:
    return Template.objects.create(
        agency=agency,
        kind="inspection",
        name="Badanie techniczne",
        text="Dzien dobry {imie}, badanie pojazdu {rejestracja} mija {data_badania}. "
        "Zadzwon: {telefon_agenta}",
    )


@pytest.fixture
def end_template(agency: Agency) -> Template:
    return Template.objects.create(
        agency=agency,
        kind="policy_end",
        name="Koniec polisy",
        text="Polisa {numer_polisy} konczy sie {koniec_polisy}.",
    )


def credit(agency: Agency, amount: str) -> None:
    services.sms_balance_credit(agency=agency, amount=Decimal(amount), reason="test")


def soon(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)
