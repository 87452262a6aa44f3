"""Kontakt z BOK: letters, and the complaint rules (PKE, Dz.U. 2025 poz. 1371)."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from notifications.models import OutboxMessage
from subscribers import services
from subscribers.models import Case, Order

from .conftest import login_as, make_invoice

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=WARSAW)


def complain(client, invoice, **data):  # type: ignore[no-untyped-def]
    values = {"invoice": str(invoice.pk), "amount": "12.50", "description": "Za dużo minut.",
              "delivery": "email"}  # fmt: skip
    return client.post("/abonent/bok/nowe/?rodzaj=reklamacja&typ=faktura", values | data)


def admin_answer(answer: str) -> dict[str, str]:
    """The case change form as the admin page posts it, with its two read-only inlines."""
    data = {"answer": answer, "missing": ""}
    for prefix in ("letters", "events"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                 f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}  # fmt: skip
    return data


@pytest.fixture
def invoice(alice_account):  # type: ignore[no-untyped-def]
    return make_invoice(alice_account, date(2026, 11, 1), [("usage", "usage:minutes", "12.50")])


def test_it_offers_types_by_kind_and_a_form_by_type(alice_account):
    client = login_as(alice_account, code=True)
    order_types = client.get("/abonent/bok/nowe/?rodzaj=zlecenie").content.decode()
    assert "Duplikat faktury" in order_types and "Reklamacja faktury" not in order_types
    form = client.get("/abonent/bok/nowe/?rodzaj=zlecenie&typ=biling").content.decode()
    assert 'name="period_from"' in form and 'name="delivery"' not in form
    form = client.get("/abonent/bok/nowe/?rodzaj=reklamacja&typ=jakosc").content.decode()
    assert 'name="place"' in form and 'name="delivery"' in form


@time_machine.travel(at(2026, 12, 1, 23, 30), tick=False)
def test_it_files_a_complaint_confirmed_by_a_pdf_by_email(
    alice_account, invoice, django_capture_on_commit_callbacks
):
    client = login_as(alice_account, code=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = complain(client, invoice)
    case = Case.objects.get()
    assert response["Location"] == f"/abonent/bok/{case.pk}/"
    assert case.number.startswith("RK/2026/")
    # Filed in the evening in Warsaw: 30 days from the local date, not from UTC's.
    assert case.answer_due_on == date(2026, 12, 31)
    assert case.order.kind == Order.Kind.LETTER
    receipt = PdfReader(io.BytesIO(bytes(case.receipt_pdf))).pages[0].extract_text()
    assert case.number in receipt and "31.12.2026" in receipt
    mail = OutboxMessage.objects.get(channel="email", topic=f"subscriber-case:{case.pk}")
    assert mail.recipient == alice_account.email and case.number in mail.subject
    assert mail.attachments.get().content_type == "application/pdf"
    page = client.get(response["Location"]).content.decode()
    assert case.number in page and "zostało 30 dni" in page


def test_it_files_a_zlecenie_with_its_type_fields(alice_account):
    client = login_as(alice_account, code=True)
    url = "/abonent/bok/nowe/?rodzaj=zlecenie&typ=biling"
    missing = client.post(url, {"description": "Proszę o biling."})
    assert "To pole jest wymagane" in missing.content.decode()
    assert "Proszę o biling." in missing.content.decode()  # what was typed stays
    client.post(url, {"period_from": "2026-10-01", "period_to": "2026-10-31",
                      "description": "Proszę o biling."})  # fmt: skip
    case = Case.objects.get()
    assert case.number.startswith("ZL/") and case.fields["period_from"] == "2026-10-01"
    assert not case.receipt_pdf


def test_it_refuses_a_complaint_filed_more_than_12_months_after_the_period(alice_account):
    old = make_invoice(alice_account, date(2025, 10, 1), [("usage", "usage:minutes", "3.00")])
    # The period ended on 31.10.2025: the last day to complain is 31.10.2026.
    with time_machine.travel(at(2026, 10, 31, 23, 59, 59), tick=False):
        in_time = services.complaint_too_late(old, date(2026, 10, 31))
    assert in_time is False
    with time_machine.travel(at(2026, 11, 1, 0, 0), tick=False):
        client = login_as(alice_account, code=True)
        complain(client, old)
        case = Case.objects.get()
        assert "31.10.2025" in client.get(f"/abonent/bok/{case.pk}/").content.decode()
    assert case.state == Case.State.REFUSED and "12 miesięcy" in case.refusal_reason
    assert case.answer_due_on is None and case.order.state == Order.State.REJECTED


def test_it_returns_a_complaint_for_completion_and_keeps_its_first_date(alice_account, invoice):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False) as traveller:
        client = login_as(alice_account, code=True)
        complain(client, invoice)
        case = Case.objects.get()
        filed = case.filed_at
        services.case_return_for_completion(case=case, missing="Dołącz numer faktury.")
        case.refresh_from_db()
        assert case.completion_due_on == date(2026, 12, 8)
        traveller.move_to(at(2026, 12, 8, 23, 59))
        client = login_as(alice_account, code=True)  # a new session a week later
        client.post(f"/abonent/bok/{case.pk}/", {"addition": "Faktura F/1"})
    case.refresh_from_db()
    assert case.state == Case.State.IN_PROGRESS and case.filed_at == filed
    assert case.answer_due_on == date(2026, 12, 31) and "Faktura F/1" in case.description


def test_it_leaves_a_complaint_not_completed_in_7_days(alice_account, invoice):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False) as traveller:
        client = login_as(alice_account, code=True)
        complain(client, invoice)
        case = services.case_return_for_completion(case=Case.objects.get(), missing="Opis.")
        traveller.move_to(at(2026, 12, 9, 0, 0))
        client = login_as(alice_account, code=True)
        page = client.post(f"/abonent/bok/{case.pk}/", {"addition": "za późno"})
        assert "Termin na uzupełnienie minął" in page.content.decode()
        assert services.cases_expire_incomplete(today=date(2026, 12, 8)) == 0
        assert services.cases_expire_incomplete(today=date(2026, 12, 9)) == 1
    case.refresh_from_db()
    assert case.state == Case.State.EXPIRED


def test_it_counts_down_to_the_answer_for_the_subscriber(alice_account, invoice):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False) as traveller:
        client = login_as(alice_account, code=True)
        complain(client, invoice)
        case = Case.objects.get()
        traveller.move_to(at(2026, 12, 30, 21, 30))
        client = login_as(alice_account)
        assert "został 1 dzień" in client.get(f"/abonent/bok/{case.pk}/").content.decode()
        traveller.move_to(at(2027, 1, 1, 0, 0))
        client = login_as(alice_account)
        assert "termin minął" in client.get(f"/abonent/bok/{case.pk}/").content.decode()


def test_it_orders_staff_cases_by_deadline_with_days_left(staff_client, alice_account, invoice):
    with time_machine.travel(at(2026, 11, 20, 12, 0), tick=False):
        early = services.case_file(
            account=alice_account, contract=alice_account.contracts.first(),
            category="reklamacja", kind=services.case_type("reklamacja", "jakosc"),
            fields={}, description="Brak zasięgu", delivery="letter",
        )  # fmt: skip
    with time_machine.travel(at(2026, 12, 1, 12, 0), tick=False):
        late = services.case_file(
            account=alice_account, contract=alice_account.contracts.first(),
            category="reklamacja", kind=services.case_type("reklamacja", "faktura"),
            fields={}, description="Faktura", delivery="email", invoice=invoice,
        )  # fmt: skip
        html = staff_client.get("/admin/subscribers/case/").content.decode()
    assert html.index(early.number) < html.index(late.number)
    assert '<td class="field-due">19</td>' in html


def test_it_sends_the_staff_answer_and_resends_within_3_working_days(
    staff_client, alice_account, invoice, django_capture_on_commit_callbacks
):
    case = services.case_file(
        account=alice_account, contract=alice_account.contracts.first(),
        category="reklamacja", kind=services.case_type("reklamacja", "faktura"),
        fields={}, description="Faktura", delivery="email", invoice=invoice,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            f"/admin/subscribers/case/{case.pk}/change/",
            admin_answer("Uznajemy reklamację."),
        )
    case.refresh_from_db()
    assert case.state == Case.State.ANSWERED and case.answered_at is not None
    assert OutboxMessage.objects.filter(subject__contains="Odpowiedź w sprawie").count() == 1
    # Thursday 24 December: 25 and 26 are holidays, then a weekend.
    with time_machine.travel(at(2026, 12, 24, 21, 30), tick=False):
        without_code = login_as(alice_account).post(f"/abonent/bok/{case.pk}/ponownie/")
        assert without_code["Location"].startswith("/abonent/kod/")
        case.refresh_from_db()
        assert case.resend_due_on is None
        sub = login_as(alice_account, code=True)
        sub.post(f"/abonent/bok/{case.pk}/ponownie/")
    case.refresh_from_db()
    assert case.resend_due_on == date(2026, 12, 30)
    assert OutboxMessage.objects.filter(subject__contains="Odpowiedź w sprawie").count() == 2


def test_it_counts_working_days_across_holidays_and_dst():
    assert services.working_days_after(date(2026, 12, 24), 3) == date(2026, 12, 30)
    # Friday before the DST change, which falls on Easter Sunday 2027: Easter Monday is off.
    assert services.working_days_after(date(2027, 3, 26), 3) == date(2027, 4, 1)
    assert services.working_days_after(date(2026, 10, 30), 1) == date(2026, 11, 2)  # 1.11 Sunday


def test_it_answers_due_in_30_days_across_the_dst_change(alice_account):
    with time_machine.travel(at(2027, 3, 27, 23, 30), tick=False):
        case = services.case_file(
            account=alice_account, contract=alice_account.contracts.first(),
            category="reklamacja", kind=services.case_type("reklamacja", "jakosc"),
            fields={}, description="x", delivery="email",
        )  # fmt: skip
    assert case.answer_due_on == date(2027, 3, 27) + timedelta(days=30)
