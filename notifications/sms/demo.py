"""Demo data of the SMS module: an agency with a balance, templates, 50 insured, messages.

Development only: the login below is public, printed by `make run` and in the README.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from accounts.roles import Role

from . import services
from .models import (
    Agency,
    DeliveryEvent,
    InsuredPerson,
    LedgerEntry,
    Message,
    Policy,
    ReminderRule,
    Template,
    Vehicle,
)

LOGIN, PASSWORD = "agencja@demo.localhost", "agencja-demo"
CODE = "SMSDEMO22"
FIRST = [
    "Anna",
    "Piotr",
    "Zofia",
    "Grzegorz",
    "Małgorzata",
    "Łukasz",
    "Ewa",
    "Jan",
    "Żaneta",
    "Krzysztof",
]
LAST = [
    "Kowalska",
    "Wiśniewski",
    "Łęcka",
    "Żółć",
    "Dąbrowska",
    "Wójcik",
    "Nowak",
    "Zieliński",
    "Szymańska",
    "Kamiński",
]
INSURERS = ["Warta", "PZU", "Allianz", "Ergo Hestia", "Generali"]
TEMPLATES = [
    (
        "inspection",
        "Badanie techniczne",
        "Dzien dobry {imie}! Badanie techniczne pojazdu {rejestracja} mija {data_badania}. "
        "Zapraszamy - tel. {telefon_agenta}",
    ),
    (
        "policy_end",
        "Koniec polisy",
        "Polisa {numer_polisy} konczy sie {koniec_polisy}. Skladka: {skladka}. "
        "Pytania: {telefon_agenta}",
    ),
    ("birthday", "Urodziny", "Wszystkiego najlepszego, {imie}! Zyczy Agencja Demo."),
]


def ensure_user(*, username: str, password: str, role: Role, **fields: object) -> User:
    """Create the demo user once; on later runs leave it (and its password) as it is."""
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    return user


def load() -> list[str]:
    user = ensure_user(
        username=LOGIN,
        password=PASSWORD,
        role=Role.SMS_USER,
        email=LOGIN,
        first_name="Dorota",
        last_name="Demo",
    )
    agency = Agency.objects.filter(registration_code=CODE).first()
    if agency is None:
        agency = _create(user)
    agent = User.objects.filter(username="agent").first()
    if agent is not None:  # the demo agent reaches the module from the agent's menu
        services.agency_grant_to_user(agency=agency, user=agent)
    return [
        f"Moduł SMS (agencja): {LOGIN} / {PASSWORD}  →  /sms/logowanie/ "
        f"(kod rejestracyjny {CODE}; agent „agent” ma moduł w swoim menu)"
    ]


def _create(user: User) -> Agency:
    organisation = Organisation.objects.create(
        kind=Organisation.Kind.SMS_AGENCY,
        name="Agencja Ubezpieczeniowa Demo",
        nip="5260250274",
        address="ul. Polna 1, 00-001 Warszawa",
        email=LOGIN,
        phone="+48600100200",
    )
    Membership.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": Membership.Role.OWNER}
    )
    user.groups.add(Group.objects.get(name=Role.SMS_USER))
    agency = Agency.objects.create(
        organisation=organisation,
        registration_code=CODE,
        sender_name="Demo Polisy",
        sender_state=Agency.SenderState.AUTHORISED,
        agent_phone="+48600100200",
    )
    services.sms_balance_credit(agency=agency, amount=Decimal("150.00"), reason="Doładowanie demo")
    templates = [
        Template.objects.create(agency=agency, kind=kind, name=name, text=text)
        for kind, name, text in TEMPLATES
    ]
    ReminderRule.objects.create(agency=agency, template=templates[0], days_ahead=14)
    persons = _persons(agency)
    _messages(agency, templates[0], persons)
    return agency


def _persons(agency: Agency) -> list[InsuredPerson]:
    rng = random.Random(2026)  # noqa: S311 - demo data, the same on every machine
    today = timezone.localdate()
    persons = []
    for index in range(50):
        person = InsuredPerson.objects.create(
            agency=agency,
            first_name=FIRST[index % 10],
            last_name=LAST[(index * 3) % 10],
            phone=f"+48600{200000 + index:06d}" if index % 17 else "",
            birth_date=today.replace(year=1960 + index % 40) if index % 9 == 0 else None,
            marketing_consent=index % 4 != 0,
            consent_at=timezone.now() if index % 4 else None,
            consent_source="form" if index % 4 else "",
            opted_out_at=timezone.now() if index % 23 == 5 else None,
        )
        Policy.objects.create(
            agency=agency,
            person=person,
            number=f"DEMO/{2026}/{index + 1:04d}",
            insurer=INSURERS[index % 5],
            end_date=today + timedelta(days=rng.randint(1, 300)),
            premium=Decimal(rng.randint(400, 2400)),
        )
        Vehicle.objects.create(
            agency=agency,
            person=person,
            registration=f"WPI {10000 + index * 37}",
            inspection_date=today + timedelta(days=rng.randint(-5, 60)),
        )
        persons.append(person)
    return persons


def _messages(agency: Agency, template: Template, persons: list[InsuredPerson]) -> None:
    """A past send of 25 messages, five in each status."""
    price = services.price_per_part()
    queued_at = timezone.now() - timedelta(days=2)
    debit = LedgerEntry.objects.create(
        agency=agency,
        kind=LedgerEntry.Kind.DEBIT,
        amount=-(price * 25),
        parts=25,
        price_per_part=price,
        reason="Wysyłka „Badanie techniczne”: 25 SMS",
    )
    statuses = ["queued", "sent", "delivered", "undelivered", "failed"]
    for index, person in enumerate(p for p in persons if p.phone and p.marketing_consent):
        if index == 25:
            break
        status = statuses[index % 5]
        message = Message.objects.create(
            agency=agency,
            template=template,
            person=person,
            kind=template.kind,
            recipient=person.phone,
            recipient_name=f"{person.first_name} {person.last_name}",
            sender=agency.effective_sender,
            text=f"Dzien dobry {services.gsm7.transliterate(person.first_name)}! Badanie "
            "techniczne pojazdu zbliza sie. Zapraszamy - tel. +48600100200",
            parts=1,
            cost=price,
            debit=debit,
            queued_at=queued_at - timedelta(hours=index),
            status=status,
            gateway_id="" if status == "queued" else f"demo-{index}",
            sent_at=None if status == "queued" else queued_at,
            final_at=queued_at + timedelta(minutes=5) if status in Message.FINAL else None,
            failure_reason="operator odrzucił wiadomość: nieprawidłowy numer"
            if status == "failed"
            else "",
        )
        if status == "failed":
            services._message_refund(message, "nieprawidłowy numer")
            message.save(update_fields=["refund"])
        if status != "queued":
            DeliveryEvent.objects.create(
                message=message, source=DeliveryEvent.Source.SEND, status="sent", applied=True
            )
