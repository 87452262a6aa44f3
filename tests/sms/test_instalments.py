"""Instalments: entered on the person's page, imported from CSV, reminded of by SMS."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.sms import selectors, services
from notifications.sms.models import ImportBatch, Instalment, Message, ReminderRule, Template
from notifications.sms.reminders import reminders_run

from .conftest import add_person, add_policy, credit

TODAY = date(2026, 12, 1)


def _url(person, suffix: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/sms/ubezpieczeni/{person.pk}/raty/{suffix}"


@pytest.fixture
def policy(person):  # type: ignore[no-untyped-def]
    return add_policy(person, "POL/7", date(2027, 6, 30))


def test_an_instalment_is_added_changed_and_deleted_on_the_persons_page(
    alice_client, person, policy
) -> None:
    page = alice_client.get(f"/sms/ubezpieczeni/{person.pk}/").content.decode()
    assert 'name="rat-due_date"' in page and "Dodaj ratę" in page
    response = alice_client.post(
        _url(person),
        {"rat-policy": policy.pk, "rat-due_date": "2027-01-15", "rat-amount": "123,45"},
    )
    assert response.status_code == 302
    instalment = Instalment.objects.get()
    assert (instalment.policy, instalment.due_date) == (policy, date(2027, 1, 15))
    assert instalment.amount == Decimal("123.45")
    assert "15.01.2027" in alice_client.get(f"/sms/ubezpieczeni/{person.pk}/").content.decode()

    edit = _url(person, f"{instalment.pk}/")
    assert alice_client.get(edit).status_code == 200
    response = alice_client.post(
        edit, {"policy": policy.pk, "due_date": "2027-02-15", "amount": "200.10"}
    )
    assert response.status_code == 302
    instalment.refresh_from_db()
    assert (instalment.due_date, instalment.amount) == (date(2027, 2, 15), Decimal("200.10"))

    assert alice_client.post(_url(person, f"{instalment.pk}/usun/")).status_code == 302
    assert not Instalment.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"rat-due_date": "15.13.2027", "rat-amount": "10"}, "due_date", "Podaj termin raty"),
        ({"rat-due_date": "2027-01-15", "rat-amount": "dużo"}, "amount", "Podaj kwotę raty"),
        ({"rat-due_date": "2027-01-15", "rat-amount": "0"}, "amount", "większa od zera"),
        ({"rat-due_date": "2027-01-15", "rat-amount": "-5"}, "amount", "większa od zera"),
        ({"rat-due_date": "", "rat-amount": "10"}, "due_date", "To pole jest wymagane"),
    ],
)
def test_a_bad_instalment_is_refused_in_polish_and_keeps_what_was_typed(
    alice_client, person, policy, data, field, error
) -> None:
    response = alice_client.post(_url(person), {"rat-policy": policy.pk, **data})
    assert response.status_code == 200
    form = response.context["instalment_form"]
    assert error in " ".join(form.errors[field])
    page = response.content.decode()
    assert "Rata nie została dodana" in page
    for typed in data.values():
        assert f'value="{typed}"' in page or not typed
    assert not Instalment.objects.exists()


def test_the_same_due_date_twice_on_a_policy_is_refused(alice_client, person, policy) -> None:
    Instalment.objects.create(policy=policy, due_date=date(2027, 1, 15), amount=Decimal("10"))
    response = alice_client.post(
        _url(person),
        {"rat-policy": policy.pk, "rat-due_date": "2027-01-15", "rat-amount": "10"},
    )
    assert "Ta polisa ma już ratę w tym terminie." in response.content.decode()
    assert Instalment.objects.count() == 1


def test_another_persons_policy_cannot_be_chosen(alice_client, agency, person, policy) -> None:
    someone = add_person(agency, "Anna", "Inna", phone="+48600100999")
    theirs = add_policy(someone, "POL/INNA", date(2027, 6, 30))
    response = alice_client.post(
        _url(person),
        {"rat-policy": theirs.pk, "rat-due_date": "2027-01-15", "rat-amount": "10"},
    )
    assert "Wybierz jedną z polis tej osoby." in response.content.decode()
    assert not Instalment.objects.exists()


def test_another_agencys_instalments_answer_404(alice_client, person, policy, other_agency) -> None:
    stranger = add_person(other_agency, "Obcy", "Klient", phone="+48600999999")
    foreign_policy = add_policy(stranger, "OBCA/1", date(2027, 6, 30))
    foreign = Instalment.objects.create(
        policy=foreign_policy, due_date=date(2027, 1, 15), amount=Decimal("99.00")
    )
    data = {"rat-policy": foreign_policy.pk, "rat-due_date": "2027-03-01", "rat-amount": "1"}
    assert alice_client.post(_url(stranger), data).status_code == 404
    # The other agency's instalment, reached through alice's own person or theirs.
    for owner in (person, stranger):
        assert alice_client.get(_url(owner, f"{foreign.pk}/")).status_code == 404
        edit = {"policy": foreign_policy.pk, "due_date": "2027-03-01", "amount": "1"}
        assert alice_client.post(_url(owner, f"{foreign.pk}/"), edit).status_code == 404
        assert alice_client.post(_url(owner, f"{foreign.pk}/usun/")).status_code == 404
    # A policy of another agency, sent with alice's own person, is no choice either.
    alice_client.post(_url(person), data)
    foreign.refresh_from_db()
    assert (foreign.due_date, foreign.amount) == (date(2027, 1, 15), Decimal("99.00"))
    assert Instalment.objects.count() == 1


def test_an_instalment_of_another_person_of_the_same_agency_answers_404(
    alice_client, agency, person, policy
) -> None:
    someone = add_person(agency, "Anna", "Inna", phone="+48600100999")
    theirs = Instalment.objects.create(
        policy=add_policy(someone, "POL/INNA", date(2027, 6, 30)),
        due_date=date(2027, 1, 15),
        amount=Decimal("10"),
    )
    assert alice_client.get(_url(person, f"{theirs.pk}/")).status_code == 404


# CSV -------------------------------------------------------------------------------

HEADER = "imie;nazwisko;telefon;numer_polisy;koniec_polisy;raty\n"


def _import(client, text: str):  # type: ignore[no-untyped-def]
    response = client.post(
        "/sms/ubezpieczeni/import/",
        {"file": SimpleUploadedFile("raty.csv", text.encode("utf-8"))},
    )
    assert response.status_code == 302
    return ImportBatch.objects.latest("pk"), response["Location"]


def test_csv_instalments_are_imported_and_bad_ones_listed_with_line_and_reason(
    alice_client, agency, django_capture_on_commit_callbacks
) -> None:
    text = HEADER + (
        'Jan;Nowak;600100200;P/1;2027-12-31;"2027-01-15:123,45;15.04.2027:123,45"\n'
        "Ewa;Bez;600100201;P/2;2027-12-31;\n"
        "Ola;Zla;600100202;P/3;2027-12-31;2027-02-30:10\n"
        "Ala;Kwota;600100203;P/4;2027-12-31;2027-02-01:zero\n"
        "Iza;Ujemna;600100204;P/5;2027-12-31;2027-02-01:-10\n"
        "Ula;Polisy;600100205;;;2027-02-01:10\n"
        'Ada;Dwa;600100206;P/6;2027-12-31;"2027-02-01:10|01.02.2027:12"\n'
        "Eda;Bezdwukropka;600100207;P/7;2027-12-31;2027-02-01 10\n"
    )
    batch, url = _import(alice_client, text)
    page = alice_client.get(url).content.decode()
    assert [e["line"] for e in batch.errors] == [4, 5, 6, 7, 8, 9]
    reasons = {e["line"]: e["reason"] for e in batch.errors}
    assert "nieprawidłowa rata „2027-02-30:10” w kolumnie „raty”" in reasons[4]
    assert "„2027-02-01:zero”" in reasons[5]
    assert "„2027-02-01:-10”" in reasons[6]
    assert reasons[7] == "raty bez numeru polisy („numer_polisy”)"
    assert reasons[8] == "rata w terminie 01.02.2027 powtarza się w kolumnie „raty”"
    assert "„2027-02-01 10”" in reasons[9]
    assert "nieprawidłowa rata „2027-02-30:10”" in page
    assert not Instalment.objects.exists()  # nothing before the confirmation

    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(url)
    rows = Instalment.objects.order_by("due_date").values_list(
        "policy__number", "due_date", "amount"
    )
    assert list(rows) == [
        ("P/1", date(2027, 1, 15), Decimal("123.45")),
        ("P/1", date(2027, 4, 15), Decimal("123.45")),
    ]


def test_csv_separated_by_commas_takes_the_raty_column_too(
    alice_client, agency, django_capture_on_commit_callbacks
) -> None:
    text = (
        "imie,nazwisko,telefon,numer_polisy,koniec_polisy,raty\n"
        'Jan,Nowak,600100200,P/1,2027-12-31,"2027-01-15:1 234,50|2027-07-15:99.99"\n'
    )
    batch, url = _import(alice_client, text)
    assert batch.errors == [] and batch.good == 1
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(url)
    assert sorted(Instalment.objects.values_list("amount", flat=True)) == [
        Decimal("99.99"),
        Decimal("1234.50"),
    ]


def test_more_than_twelve_instalments_in_a_row_are_refused(alice_client, agency) -> None:
    many = ";".join(f"2027-{m:02d}-01:10" for m in range(1, 13)) + ";2028-01-01:10"
    batch, _url = _import(alice_client, HEADER + f'Jan;Nowak;600100200;P/1;2028-12-31;"{many}"\n')
    assert batch.errors == [{"line": 2, "reason": "za dużo rat w kolumnie „raty” (najwyżej 12)"}]


# Sending ---------------------------------------------------------------------------


@pytest.fixture
def instalment_template(agency):  # type: ignore[no-untyped-def]
    return Template.objects.create(
        agency=agency,
        kind="instalment",
        name="Rata",
        text="{imie}, rata {kwota_raty} za polise {numer_polisy} do {termin_raty}.",
    )


def test_the_instalment_reminder_reaches_the_person_through_entered_instalments(
    alice_client,
    agency,
    instalment_template,
    sms_gateway,
    django_capture_on_commit_callbacks,
) -> None:
    # No marketing consent: an instalment due is a fact about the person's own contract.
    person = add_person(agency, "Łukasz", "Wójcik", phone="+48600100200", consent=False)
    policy = add_policy(person, "POL/9", date(2027, 12, 31))
    other = add_person(agency, "Anna", "Bezraty", phone="+48600100201", consent=False)
    add_policy(other, "POL/10", date(2027, 12, 31))
    credit(agency, "5.00")
    with time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=services.WARSAW), tick=False):
        alice_client.post(
            _url(person),
            {"rat-policy": policy.pk, "rat-due_date": "2026-12-05", "rat-amount": "312"},
        )
        alice_client.post(
            _url(person),
            {"rat-policy": policy.pk, "rat-due_date": "2027-03-05", "rat-amount": "312"},
        )
        targets = selectors.targets_matching(agency, "instalment", TODAY)
        assert [t.person for t in targets] == [person]
        preview = services.send_prepare(
            agency=agency, template=instalment_template, targets=targets, on=TODAY
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.sms_send(agency=agency, preview=preview)
    [message] = Message.objects.all()
    assert message.text == "Lukasz, rata 312,00 zl za polise POL/9 do 05.12.2026."
    assert message.status == "sent" and message.kind == "instalment"
    assert message.reminder_key.startswith("instalment:instalment:")
    assert [s.recipient for s in sms_gateway.sent] == ["+48600100200"]


def test_chosen_persons_get_their_next_instalment(agency, instalment_template) -> None:
    person = add_person(agency, consent=False)
    policy = add_policy(person, "POL/9", date(2027, 12, 31))
    Instalment.objects.create(policy=policy, due_date=TODAY - timedelta(days=1), amount=10)
    Instalment.objects.create(policy=policy, due_date=TODAY + timedelta(days=40), amount=20)
    targets = selectors.targets_for_persons(agency, "instalment", [person.pk], TODAY)
    preview = services.send_prepare(
        agency=agency, template=instalment_template, targets=targets, on=TODAY
    )
    [prepared] = preview.messages
    assert prepared.text.endswith("rata 20,00 zl za polise POL/9 do 10.01.2027.")


def test_a_daily_rule_reminds_of_an_instalment_once(
    agency, instalment_template, sms_gateway, django_capture_on_commit_callbacks
) -> None:
    person = add_person(agency, consent=False)
    policy = add_policy(person, "POL/9", date(2027, 12, 31))
    Instalment.objects.create(policy=policy, due_date=TODAY + timedelta(days=5), amount=50)
    credit(agency, "5.00")
    ReminderRule.objects.create(agency=agency, template=instalment_template, days_ahead=7)
    for day in (TODAY, TODAY + timedelta(days=1)):
        with time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=services.WARSAW)):
            with django_capture_on_commit_callbacks(execute=True):
                reminders_run()
    assert Message.objects.filter(kind="instalment").count() == 1
    assert len(sms_gateway.sent) == 1
