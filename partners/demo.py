"""Demo partner companies at every level, with documents, forum posts, bugs and registrations.

Development only: the passwords and the TOTP secret below are public, printed by
`make run` and in the README.
"""

import base64
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organisation, User
from accounts.otp import recovery_codes_issue
from accounts.roles import Role

from . import caching, services
from .models import (
    Document,
    Forum,
    Level,
    PartnerProfile,
    Program,
    Right,
    SalesRegistration,
    SectionPage,
    StoredFile,
    Topic,
    Upgrade,
)

# 20 bytes; shared by the demo partners from level 3 up. Never use outside development.
DEMO_TOTP_HEX = "506172746e657221c0ffee506172746e657221c0"
DEMO_TOTP_BASE32 = base64.b32encode(bytes.fromhex(DEMO_TOTP_HEX)).decode()

# user name, company, NIP, level, subscription sales, distributor list, technician days left
CompanyRow = tuple[str, str, str, int, bool, bool, int | None]
COMPANIES: list[CompanyRow] = [
    ("partner0", "Autorskie Moduły Jan Lis", "5213017228", 0, False, False, None),
    ("partner1", "Biuro Rachunkowe Start s.c.", "1132853869", 1, False, False, None),
    ("partner2", "PPS Kasa i Biuro sp. z o.o.", "9512370578", 2, False, False, None),
    ("partner2a", "PPS Abonament Plus sp. z o.o.", "6760004231", 2, True, False, None),
    ("partner3", "Partner Serwis Kraków sp. z o.o.", "5252248481", 3, True, False, None),
    ("partner4", "Serwis Techniczny Gdańsk sp. z o.o.", "7740001454", 4, True, False, 10),
    ("partner5", "Autoryzowany Partner Hurt S.A.", "5260250274", 5, True, True, None),
]
PROGRAMS = [
    ("rachmistrz", "Rachmistrz", "program", "790.00", None),
    ("rewizor", "Rewizor", "program", "1490.00", None),
    ("subiekt", "Subiekt", "program", "990.00", None),
    ("abo-subiekt", "Abonament Subiekt", "subscription", "240.00", 12),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCUMENTS = {
    "technical_materials": ["Wymagania sprzętowe 2026", "Instalacja w sieci lokalnej"],
    "service_materials": ["Procedura archiwizacji danych", "Cennik usług serwisowych"],
    "technician_materials": ["Naprawa bazy danych krok po kroku", "Migracja między wersjami"],
    "pi_section": ["Warunki współpracy dla PI", "Materiały marketingowe PI"],
    "api_section": ["Specyfikacja API (PDF)", "Przykładowy klient API"],
}


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


def _file(name: str) -> StoredFile:
    return StoredFile.objects.create(
        name=f"{name}.pdf", content_type="application/pdf", size=len(PDF), data=PDF
    )


def _company(row: CompanyRow) -> tuple[Organisation, User]:
    username, name, nip, level, subscriptions, distributor, days = row
    company, _ = Organisation.objects.get_or_create(
        kind=Organisation.Kind.PARTNER,
        name=name,
        defaults={
            "nip": nip,
            "address": "ul. Partnerska 1, 00-001 Warszawa",
            "email": f"{username}@portal.localhost",
        },
    )
    until = timezone.localdate() + timedelta(days=days) if days is not None else None
    PartnerProfile.objects.get_or_create(
        organisation=company,
        defaults={
            "level": Level.objects.get(number=level),
            "subscription_sales": subscriptions,
            "on_distributor_list": distributor,
            "technician_until": until,
            "ground": "" if level == 0 else PartnerProfile.Ground.STAFF,
        },
    )
    user = ensure_user(
        username=username,
        password=username,
        role=Role.PARTNER,
        first_name="Demo",
        last_name=f"Partner {level}",
        email=f"{username}@portal.localhost",
    )
    Membership.objects.get_or_create(
        organisation=company, user=user, defaults={"role": Membership.Role.OWNER}
    )
    if Level.objects.get(number=level).requires_second_factor:
        _device, created = TOTPDevice.objects.get_or_create(
            user=user, name="Demo", defaults={"key": DEMO_TOTP_HEX, "confirmed": True}
        )
        if created:
            recovery_codes_issue(user)
    return company, user


def _materials(programs: dict[str, Program]) -> None:
    if Document.objects.exists():
        return
    for code, titles in DOCUMENTS.items():
        right = Right.objects.get(code=code)
        for title in titles:
            Document.objects.create(right=right, title=title, file=_file(title))
    caching.documents_changed()
    SectionPage.objects.create(
        right=Right.objects.get(code="pi_section"),
        slug="warunki",
        title="Warunki programu PI",
        body=(
            "## Rabaty\n\n| obrót | rabat |\n|---|---|\n| do 50 tys. zł | 20% |\n| powyżej | 25% |"
        ),
    )
    SectionPage.objects.create(
        right=Right.objects.get(code="api_section"),
        slug="pierwsze-kroki",
        title="Pierwsze kroki z API",
        body="# Autoryzacja\n\nKażde wywołanie wymaga nagłówka `Authorization: Bearer <token>`.",
    )
    for i, version in enumerate(("1.0", "1.1", "2.0")):
        Upgrade.objects.create(
            program=programs["rachmistrz"],
            version=version,
            release_notes=f"- poprawki wydajności\n- zmiany prawne (wersja {version})",
            file=_file(f"rachmistrz-{version}"),
            released_on=timezone.localdate() - timedelta(days=90 - 30 * i),
        )


def _community(users: dict[str, User], programs: dict[str, Program]) -> None:
    if Topic.objects.exists():
        return
    author, other = users["partner2"], users["partner5"]
    forum = Forum.objects.get(slug="dystrybutorzy")
    for i, title in enumerate(("Promocja wiosenna", "Jak rozliczyć licencje sieciowe?")):
        topic = services.topic_create(
            forum=forum,
            author=author,
            company=author.organisations.get(),  # type: ignore[attr-defined]  # reverse M2M from accounts
            title=title,
            body=f"Pytanie {i + 1}: czy **ktoś** już to robił?",
        )
        services.post_create(
            topic=topic,
            author=other,
            company=other.organisations.get(),  # type: ignore[attr-defined]  # reverse M2M from accounts
            body="Tak, opis w *materiałach technicznych*.",
        )
    services.topic_create(
        forum=Forum.objects.get(slug="api"),
        author=other,
        company=other.organisations.get(),  # type: ignore[attr-defined]  # reverse M2M from accounts
        title="Limit zapytań API",
        body="Ile zapytań na minutę przyjmuje API?",
    )
    for title, kind in (("Błąd wydruku JPK", "bug"), ("Eksport do XLSX", "suggestion")):
        services.bug_report(
            reporter=author,
            company=author.organisations.get(),  # type: ignore[attr-defined]  # reverse M2M from accounts
            kind=kind,
            program=programs["rewizor"],
            version="2.0",
            title=title,
            description="Opis zgłoszenia demonstracyjnego.",
        )
    if not SalesRegistration.objects.exists():
        services.sales_register(
            company=author.organisations.get(),  # type: ignore[attr-defined]  # reverse M2M from accounts
            user=author,
            customer_nip="5272525995",
            customer_name="Piekarnia Kłos",
            program=programs["subiekt"],
            licences=3,
        )


def load() -> list[str]:
    programs = {}
    for code, name, kind, price, months in PROGRAMS:
        programs[code], _ = Program.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "price_net": Decimal(price),
                "period_months": months,
            },
        )
    users: dict[str, User] = {}
    lines = ["Partnerzy: /partner/logowanie/ (login = hasło; od poziomu 3 także kod TOTP)"]
    for row in COMPANIES:
        _company_obj, user = _company(row)
        users[row[0]] = user
        extra = []
        if row[4]:
            extra.append("sprzedaż Abonamentów")
        if row[5]:
            extra.append("lista dystrybutorów")
        if row[6] is not None:
            extra.append(f"serwisant, wygasa za {row[6]} dni")
        suffix = f" ({', '.join(extra)})" if extra else ""
        lines.append(f"  poziom {row[3]}: {row[0]} / {row[0]} – {row[1]}{suffix}")
    _materials(programs)
    _community(users, programs)
    lines.append(f"  TOTP partnerów (tylko dev): sekret {DEMO_TOTP_BASE32}")
    lines.append("  bieżący kod: .venv/bin/python manage.py demo_totp partner3")
    return lines
