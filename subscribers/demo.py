"""Demo subscribers: an individual with two numbers, a company with five.

Thirteen months of invoices whose lines change the way real bills do (a
service switched on mid-period, usage beyond the package, a one-off fee), so
the comparison of invoices has something to explain. Idempotent.
"""

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NotRequired, TypedDict
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role

from .billing import net_of
from .models import (
    ActiveService,
    Contract,
    Invoice,
    InvoiceItem,
    PeriodUsage,
    ProfitTransaction,
    Service,
    SubscriberAccount,
    TariffPlan,
    add_months,
)

WARSAW = ZoneInfo("Europe/Warsaw")

TARIFFS = (
    # code, name, segment, fee, minutes, sms, data MB, minute price, sms price
    ("ciebie-50", "Idea dla Ciebie 50", "individual", "49.99", 300, 300, 10240, "0.29", "0.19"),
    ("ciebie-70", "Idea dla Ciebie 70", "individual", "69.99", 1000, 1000, 30720, "0.29", "0.19"),
    ("ciebie-bez-limitu", "Idea dla Ciebie bez limitu", "individual", "89.99", 10000, 10000,
     102400, "0.00", "0.00"),
    ("firma-40", "Idea dla Firm 40", "business", "39.99", 200, 200, 5120, "0.25", "0.15"),
    ("firma-60", "Idea dla Firm 60", "business", "59.99", 600, 600, 20480, "0.25", "0.15"),
    ("firma-90", "Idea dla Firm 90", "business", "89.99", 3000, 3000, 61440, "0.25", "0.15"),
)  # fmt: skip

SERVICES = (
    # slug, name, summary, monthly, activation, change, settings
    ("trzy-i-ja", "Trzy i Ja", "Tańsze rozmowy z trzema wybranymi numerami.", "5.00", "0.00",
     "2.00", "three",
     "Wybierz trzy numery w dowolnej sieci komórkowej lub stacjonarnej: rozmowy z nimi "
     "kosztują połowę stawki z Twojej taryfy. Numery możesz zmieniać w Idea24 on-line; "
     "każda zmiana kosztuje 2,00 zł."),
    ("przyjaciel", "Przyjaciel", "Rozmowy z jednym wybranym numerem za 0,09 zł/min.", "3.00",
     "0.00", "1.00", "one",
     "Jeden wybrany numer w sieci Idea, z którym rozmawiasz za 0,09 zł za minutę o każdej "
     "porze. Zmiana numeru kosztuje 1,00 zł."),
    ("poczta-glosowa", "Poczta głosowa", "Nagrane wiadomości, gdy nie odbierasz.", "0.00",
     "0.00", "0.00", "",
     "Gdy nie odbierasz lub masz wyłączony telefon, rozmówca może nagrać wiadomość. "
     "Odsłuchasz ją pod numerem *100."),
    ("roaming", "Roaming", "Rozmowy i internet za granicą.", "0.00", "9.99", "0.00", "",
     "Pozwala dzwonić, wysyłać SMS-y i korzystać z internetu za granicą. W Unii Europejskiej "
     "obowiązują stawki krajowe; poza nią cennik roamingowy."),
    ("pakiet-internet-5", "Pakiet internetowy 5 GB", "Dodatkowe 5 GB co miesiąc.", "15.00",
     "0.00", "0.00", "",
     "Co okres rozliczeniowy dodatkowe 5 GB transmisji danych, wykorzystywane po pakiecie "
     "z taryfy."),
    ("identyfikacja", "Prezentacja numeru rozmówcy", "Widzisz, kto dzwoni.", "0.00", "0.00",
     "0.00", "",
     "Na ekranie telefonu wyświetla się numer osoby, która do Ciebie dzwoni."),
)  # fmt: skip


class DemoAccount(TypedDict):
    number: str
    kind: str
    name: str
    nip: NotRequired[str]
    email: str
    street: str
    postal_code: str
    city: str
    payment_form: str
    billing_day: int
    code: str
    # (number, label, tariff code, signed on, subscriber code of the number)
    numbers: tuple[tuple[str, str, str, date, str], ...]
    profit: bool


INDIVIDUAL: DemoAccount = {
    "number": "1.10234567",
    "kind": "individual",
    "name": "Anna Wiśniewska",
    "email": "anna.wisniewska@example.com",
    "street": "ul. Marszałkowska 12 m. 4",
    "postal_code": "00-590",
    "city": "Warszawa",
    "payment_form": "paper",
    "billing_day": 1,
    "code": "A1B2C3",  # account code
    "numbers": (
        ("48601100200", "", "ciebie-50", date(2004, 5, 10), "4K7Q2Z"),
        ("48601100201", "Córka", "ciebie-70", date(2019, 9, 1), "9XW3M1"),
    ),
    "profit": True,
}
BUSINESS: DemoAccount = {
    "number": "2.20987654",
    "kind": "business",
    "name": "Stolarnia Dąb sp. z o.o.",
    "nip": "5260250274",
    "email": "biuro@stolarnia-dab.example.com",
    "street": "ul. Długa 40",
    "postal_code": "80-827",
    "city": "Gdańsk",
    "payment_form": "e_invoice",
    "billing_day": 15,
    "code": "FIRMA1",
    "numbers": (
        ("48602200300", "Prezes", "firma-90", date(2012, 3, 1), "P1R2E3"),
        ("48602200301", "Biuro", "firma-60", date(2012, 3, 1), "B1U2R3"),
        ("48602200302", "Magazyn", "firma-40", date(2015, 6, 1), "M1A2G3"),
        ("48602200303", "Handlowiec", "firma-60", date(2018, 1, 15), "H1A2N3"),
        ("48602200304", "Serwis", "firma-40", date(2021, 4, 1), "S1E2R3"),
    ),
    "profit": False,
}


def _money(value: str | Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)


def load_catalogue() -> None:
    for code, name, segment, fee, minutes, sms, data, mprice, sprice in TARIFFS:
        TariffPlan.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "segment": segment,
                "monthly_fee": _money(fee),
                "minutes": minutes,
                "sms": sms,
                "data_mb": data,
                "minute_price": _money(mprice),
                "sms_price": _money(sprice),
                "description": f"{minutes} min, {sms} SMS, {data // 1024} GB w abonamencie.",
            },
        )
    for slug, name, summary, monthly, activation, change, kind, description in SERVICES:
        Service.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "summary": summary,
                "description": description,
                "monthly_fee": _money(monthly),
                "activation_fee": _money(activation),
                "change_fee": _money(change),
                "settings_kind": kind,
            },
        )


def _item(invoice: Invoice, contract: Contract | None, kind: str, key: str, text: str,
          gross: Decimal, quantity: Decimal = Decimal("1")) -> InvoiceItem:  # fmt: skip
    net = net_of(gross)
    return InvoiceItem(
        invoice=invoice,
        contract=contract,
        kind=kind,
        key=key,
        description=text,
        quantity=quantity,
        net=net,
        vat=gross - net,
        gross=gross,
    )


def _invoice_items(invoice: Invoice, contracts: list[Contract], month: int) -> list[InvoiceItem]:
    """The lines of the `month`-th invoice back from now (0 is the latest)."""
    items: list[InvoiceItem] = []
    kinds = InvoiceItem.Kind
    for position, contract in enumerate(contracts):
        tariff = contract.tariff
        items.append(_item(invoice, contract, kinds.SUBSCRIPTION, f"tariff:{tariff.code}",
                           f"Abonament {tariff.name}", tariff.monthly_fee))  # fmt: skip
        if position == 0 and month <= 2:  # Trzy i Ja since two months ago, prorated at first
            fee = _money("5.00") if month < 2 else _money("2.50")
            kind = kinds.SERVICE if month < 2 else kinds.PRORATION
            items.append(_item(invoice, contract, kind, "service:trzy-i-ja",
                               "Trzy i Ja", fee))  # fmt: skip
        if position == 0 and month == 2:
            items.append(_item(invoice, contract, kinds.ONE_OFF, "one-off:duplicate",
                               "Duplikat faktury", _money("5.00")))  # fmt: skip
        if (month + position) % 3 == 0:
            extra = 12 + 7 * position + month
            items.append(_item(invoice, contract, kinds.USAGE, "usage:minutes",
                               f"Połączenia ponad pakiet ({extra} min)",
                               _money(tariff.minute_price * extra),
                               Decimal(extra)))  # fmt: skip
    return items


def _load_account(spec: DemoAccount, today: date) -> SubscriberAccount:
    user, created = User.objects.get_or_create(
        username=f"abonent-{spec['number']}",
        defaults={"email": spec["email"], "first_name": spec["name"][:150]},
    )
    if created:
        user.set_unusable_password()  # subscribers log in by SMS only
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=Role.SUBSCRIBER))
    account, created = SubscriberAccount.objects.get_or_create(
        number=spec["number"],
        defaults={
            "kind": spec["kind"],
            "name": spec["name"],
            "nip": spec.get("nip", ""),
            "email": spec["email"],
            "street": spec["street"],
            "postal_code": spec["postal_code"],
            "city": spec["city"],
            "payment_form": spec["payment_form"],
            "billing_day": spec["billing_day"],
            "user": user,
            "created_at": datetime(2004, 5, 10, 12, 0, tzinfo=WARSAW),
        },
    )
    if not created:
        return account
    account.set_code(spec["code"])
    if spec["payment_form"] == "e_invoice":
        account.e_invoice_consent_at = timezone.now() - timedelta(days=400)
    if spec["profit"]:
        account.profit_joined_at = datetime(2005, 1, 3, 10, 0, tzinfo=WARSAW)
    account.save()
    contracts = []
    for msisdn, label, tariff, signed, code in spec["numbers"]:
        contract = Contract(account=account, msisdn=msisdn, label=label, signed_on=signed,
                            tariff=TariffPlan.objects.get(code=tariff))  # fmt: skip
        contract.set_code(code)
        contract.save()
        contracts.append(contract)
    _load_history(account, contracts, today)
    return account


def _load_history(account: SubscriberAccount, contracts: list[Contract], today: date) -> None:
    start, _end = account.period_containing(today)
    for position, contract in enumerate(contracts):
        tariff = contract.tariff
        PeriodUsage.objects.create(
            contract=contract,
            period_start=start,
            minutes_used=min(tariff.minutes, tariff.minutes * (3 + position * 2) // 10),
            sms_used=min(tariff.sms, tariff.sms * (6 - position) // 10),
            data_mb_used=min(tariff.data_mb, tariff.data_mb * (9 - position) // 10),
        )
    first = contracts[0]
    ActiveService.objects.create(contract=first, service=Service.objects.get(slug="trzy-i-ja"),
                                 active_from=add_months(start, -2) + timedelta(days=15),
                                 numbers=["48601999111", "48226543210", "48501234567"])  # fmt: skip
    ActiveService.objects.create(contract=first, service=Service.objects.get(slug="identyfikacja"),
                                 active_from=first.signed_on)  # fmt: skip
    for month in range(13, 0, -1):
        period_start = add_months(start, -month)
        period_end = add_months(period_start, 1) - timedelta(days=1)
        issued = period_end + timedelta(days=1)
        invoice = Invoice.objects.create(
            account=account,
            number=f"F/{account.number[-4:]}/{period_start:%Y/%m}",
            period_start=period_start,
            period_end=period_end,
            issued_on=issued,
            due_on=issued + timedelta(days=14),
            net_total=0,
            vat_total=0,
            gross_total=0,
            address="\n".join(account.address_lines),
            paid_at=None
            if month == 1
            else timezone.make_aware(
                datetime.combine(issued + timedelta(days=10), time(12, 0))
            ),  # fmt: skip
        )
        items = _invoice_items(invoice, contracts, month - 1)
        InvoiceItem.objects.bulk_create(items)
        invoice.net_total = sum((i.net for i in items), Decimal("0"))
        invoice.vat_total = sum((i.vat for i in items), Decimal("0"))
        invoice.gross_total = sum((i.gross for i in items), Decimal("0"))
        invoice.save(update_fields=["net_total", "vat_total", "gross_total"])
        if account.is_profit_member:
            earned_at = timezone.make_aware(datetime.combine(issued + timedelta(days=10), time(9)))
            ProfitTransaction.objects.create(
                account=account, occurred_at=earned_at, kind=ProfitTransaction.Kind.EARNED,
                points=int(invoice.gross_total), description=f"Opłacona faktura {invoice.number}",
                expires_on=issued + timedelta(days=365 + 20),
            )  # fmt: skip
    if account.is_profit_member:
        ProfitTransaction.objects.create(
            account=account, occurred_at=timezone.now() - timedelta(days=40),
            kind=ProfitTransaction.Kind.SPENT, points=-150,
            description="Nagroda: etui na telefon",
        )  # fmt: skip


def load() -> list[str]:
    today = timezone.localdate()
    load_catalogue()
    lines = []
    for spec in (INDIVIDUAL, BUSINESS):
        _load_account(spec, today)
        numbers = ", ".join(
            f"{msisdn[2:]} (kod {code})" for msisdn, _l, _t, _s, code in spec["numbers"]
        )
        lines.append(
            f"Abonent {spec['name']} ({spec['kind']}): /abonent/logowanie/ numer telefonu, "
            f"hasło z SMS-a w /powiadomienia/skrzynka/; numery {numbers}; "
            f"kod abonencki dla konta {spec['code']}"
        )
    return lines
