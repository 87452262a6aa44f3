"""Complaint answers by post: a letter to print, the posting queue, the day it counts."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from notifications.models import OutboxMessage
from subscribers import services
from subscribers.models import Case, CaseEvent, CaseLetter, Order

from .conftest import login_as

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")
QUEUE = "/admin/subscribers/caseletter/"
TODAY = date(2026, 12, 15)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=WARSAW)


@pytest.fixture(autouse=True)
def clock():  # type: ignore[no-untyped-def]
    # Autouse, so it is set before the sessions are signed in: every test runs on
    # 15 December 2026 at noon, and steps in the past travel there and come back.
    with time_machine.travel(at(2026, 12, 15, 12, 0), tick=False) as traveller:
        yield traveller


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


FILED = at(2026, 12, 1, 10, 0)
ANSWERED = at(2026, 12, 10, 9, 0)


def file_complaint(account, *, delivery: str = "letter", when: datetime = FILED) -> Case:  # type: ignore[no-untyped-def]
    with time_machine.travel(when, tick=False):
        return services.case_file(
            account=account, contract=account.contracts.order_by("pk").first(),
            category="reklamacja", kind=services.case_type("reklamacja", "jakosc"),
            fields={}, description="Brak zasięgu w domu.", delivery=delivery,
        )  # fmt: skip


def answer_by_letter(account, *, when: datetime = ANSWERED) -> CaseLetter:  # type: ignore[no-untyped-def]
    case = file_complaint(account)
    with time_machine.travel(when, tick=False):
        services.case_answer(case=case, answer="Uznajemy reklamację: zwrot 20 zł.", who="user:1")
    return CaseLetter.objects.get(case=case)


def answer_emails() -> int:
    """E-mails carrying the answer itself (not the notice that a letter was posted)."""
    answers = OutboxMessage.objects.filter(subject__startswith="Odpowiedź w sprawie")
    return answers.exclude(subject__endswith="wysłana listem").count()


# The service ---------------------------------------------------------------------


def test_it_makes_a_letter_to_print_instead_of_an_email(alice_account):
    letter = answer_by_letter(alice_account)
    case = letter.case
    case.refresh_from_db()
    assert case.state == Case.State.TO_POST and case.answer_sent_on is None
    assert letter.kind == CaseLetter.Kind.ANSWER and letter.posted_on is None
    assert letter.due_on == case.answer_due_on == date(2026, 12, 31)
    assert letter.address == "Alice-Sub Testowa\nul. Prosta 1\n00-001 Warszawa"
    text = pdf_text(bytes(letter.pdf))
    expected = [case.number, "01.12.2026", "10.12.2026", "zwrot 20 zł", "ul. Prosta 1",
                "00-001 Warszawa", "Idea — operator sieci komórkowej", "5250001233"]  # fmt: skip
    assert [part for part in expected if part not in text] == []
    assert answer_emails() == 0
    assert case.order.state == Order.State.NEW  # done only once the answer is sent
    # Not given until posted: the 30 days keep running.
    assert case.days_left(date(2026, 12, 10)) == 21
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [CaseEvent.Kind.FILED, CaseEvent.Kind.LETTER_READY]


def test_it_addresses_the_letter_to_the_correspondence_address_of_that_moment(alice_account):
    case = file_complaint(alice_account)
    services.address_change(
        account=alice_account, street="ul. Nowa 5", postal_code="30-001", city="Kraków", who="t"
    )
    with time_machine.travel(at(2026, 12, 10, 9, 0), tick=False):
        services.case_answer(case=case, answer="Odpowiedź.")
    letter = case.letters.get()
    assert letter.address.endswith("ul. Nowa 5\n30-001 Kraków")
    services.address_change(
        account=alice_account, street="ul. Inna 9", postal_code="00-950", city="Warszawa", who="t"
    )
    letter.refresh_from_db()
    assert "Kraków" in letter.address and "Kraków" in pdf_text(bytes(letter.pdf))


def test_it_gives_the_answer_on_the_day_the_letter_is_posted(
    alice_account, django_capture_on_commit_callbacks
):
    letter = answer_by_letter(alice_account)
    with time_machine.travel(at(2026, 12, 31, 23, 59), tick=False):
        services.case_letter_posted(
            letter=letter, posted_on=date(2026, 12, 31), registered_number="RR123456789PL",
            who="user:7",
        )  # fmt: skip
        again = services.case_letter_posted(letter=letter, posted_on=date(2026, 12, 31))
    case = Case.objects.get(pk=letter.case_id)
    assert case.state == Case.State.ANSWERED and case.answer_sent_on == date(2026, 12, 31)
    assert case.answered_in_time is True and case.days_left(date(2026, 12, 31)) is None
    assert case.order.state == Order.State.DONE
    assert again.registered_number == "RR123456789PL" and again.posted_by == "user:7"
    notice = OutboxMessage.objects.get(subject__contains="wysłana listem")
    assert "31.12.2026" in notice.body_text and "RR123456789PL" in notice.body_text
    posted = case.events.get(kind=CaseEvent.Kind.LETTER_POSTED)
    assert posted.who == "user:7" and "RR123456789PL" in posted.note


def test_it_counts_a_letter_posted_after_the_30th_day_as_late(alice_account):
    letter = answer_by_letter(alice_account)
    with time_machine.travel(at(2027, 1, 1, 0, 0), tick=False):
        services.case_letter_posted(letter=letter, posted_on=date(2027, 1, 1))
    assert Case.objects.get(pk=letter.case_id).answered_in_time is False


def test_it_refuses_a_posting_day_in_the_future_or_before_the_letter(alice_account):
    letter = answer_by_letter(alice_account)  # made on 10.12.2026
    with time_machine.travel(at(2026, 12, 11, 23, 59, 59), tick=False):
        with pytest.raises(services.SubscriberError, match="z przyszłości"):
            services.case_letter_posted(letter=letter, posted_on=date(2026, 12, 12))
        with pytest.raises(services.SubscriberError, match="wcześniejsza"):
            services.case_letter_posted(letter=letter, posted_on=date(2026, 12, 9))
    letter.refresh_from_db()
    assert letter.posted_on is None


def test_it_resends_by_letter_within_3_working_days(alice_account):
    letter = answer_by_letter(alice_account)
    with time_machine.travel(at(2026, 12, 11, 12, 0), tick=False):
        services.case_letter_posted(letter=letter, posted_on=date(2026, 12, 11))
    # Thursday 24 December: 25 and 26 are holidays, then a weekend.
    with time_machine.travel(at(2026, 12, 24, 21, 30), tick=False):
        case = services.case_resend_request(case=letter.case)
        with pytest.raises(services.SubscriberError, match="30.12.2026"):
            services.case_resend_request(case=case)
    repeat = case.letters.get(kind=CaseLetter.Kind.REPEAT)
    assert repeat.due_on == case.resend_due_on == date(2026, 12, 30)
    assert repeat.posted_on is None and "ponowne doręczenie" in pdf_text(bytes(repeat.pdf))
    assert answer_emails() == 0
    assert case.events.filter(kind=CaseEvent.Kind.RESEND).count() == 1


def test_it_records_an_expiry_in_the_history_once(alice_account):
    case = file_complaint(alice_account, delivery="email")
    with time_machine.travel(at(2026, 12, 1, 12, 0), tick=False):
        services.case_return_for_completion(case=case, missing="Opis.", who="user:3")
    assert services.cases_expire_incomplete(today=date(2026, 12, 9)) == 1
    assert services.cases_expire_incomplete(today=date(2026, 12, 9)) == 0
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [CaseEvent.Kind.FILED, CaseEvent.Kind.RETURNED, CaseEvent.Kind.EXPIRED]


# The admin -----------------------------------------------------------------------


def admin_answer(answer: str) -> dict[str, str]:
    data = {"answer": answer, "missing": ""}
    for prefix in ("letters", "events"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                 f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}  # fmt: skip
    return data


def test_it_puts_a_staff_answer_by_letter_in_the_queue_to_post(
    staff_client, alice_account, bob_account
):
    case = file_complaint(alice_account)
    done = answer_by_letter(bob_account)
    services.case_letter_posted(letter=done, posted_on=TODAY)
    response = staff_client.post(
        f"/admin/subscribers/case/{case.pk}/change/", admin_answer("Odpowiedź listem."), follow=True
    )
    assert "czeka na wysłanie listem" in response.content.decode()
    letter = case.letters.get()
    # Written once: a second edit does not change the answer the letter carries.
    staff_client.post(f"/admin/subscribers/case/{case.pk}/change/", admin_answer("Inna treść."))
    case.refresh_from_db()
    assert case.answer == "Odpowiedź listem." and case.letters.count() == 1
    queue = staff_client.get(QUEUE, {"wysylka": "do-wyslania"}).content.decode()
    assert case.number in queue and done.case.number not in queue
    posted = staff_client.get(QUEUE, {"wysylka": "wyslane"}).content.decode()
    assert done.case.number in posted and case.number not in posted
    pdf = staff_client.get(f"{QUEUE}{letter.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == bytes(letter.pdf)


def test_it_lists_the_queue_in_constant_queries(
    staff_client, alice_account, bob_account, django_assert_max_num_queries
):
    answer_by_letter(alice_account)
    answer_by_letter(bob_account)
    with django_assert_max_num_queries(12):
        response = staff_client.get(QUEUE, {"wysylka": "do-wyslania"})
    assert response.status_code == 200


def test_it_prints_many_letters_as_one_pdf(staff_client, alice_account, bob_account):
    first, second = answer_by_letter(alice_account), answer_by_letter(bob_account)
    response = staff_client.post(
        QUEUE, {"action": "print_letters", "_selected_action": [first.pk, second.pk]}
    )
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    single = len(PdfReader(io.BytesIO(bytes(first.pdf))).pages)
    assert len(reader.pages) == single + len(PdfReader(io.BytesIO(bytes(second.pdf))).pages)
    text = pdf_text(response.content)
    assert first.case.number in text and second.case.number in text


def test_it_marks_letters_posted_with_the_day_and_registered_numbers(
    staff_client, alice_account, bob_account
):
    first, second = answer_by_letter(alice_account), answer_by_letter(bob_account)
    selected = {"action": "mark_posted", "_selected_action": [first.pk, second.pk]}
    asked = staff_client.post(QUEUE, selected).content.decode()
    assert f'name="registered_{first.pk}"' in asked and 'name="posted_on"' in asked
    today = TODAY
    wrong = staff_client.post(QUEUE, selected | {
        "apply": "1", "posted_on": today.isoformat(), f"registered_{first.pk}": "RR-12",
    })  # fmt: skip
    assert "Numer nadania to 8–40 liter i cyfr" in wrong.content.decode()
    assert not CaseLetter.objects.filter(posted_on__isnull=False).exists()
    done = staff_client.post(QUEUE, selected | {
        "apply": "1", "posted_on": today.isoformat(), f"registered_{first.pk}": "rr 1234 5678 9pl",
    })  # fmt: skip
    assert done.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.posted_on == second.posted_on == today
    assert first.registered_number == "RR123456789PL" and second.registered_number == ""
    assert first.posted_by.startswith("user:")
    assert Case.objects.get(pk=first.case_id).state == Case.State.ANSWERED


def test_it_orders_staff_cases_by_the_day_something_must_be_sent(staff_client, alice_account):
    to_post = answer_by_letter(alice_account)  # filed 1.12, to post by 31.12
    later = file_complaint(alice_account, when=at(2026, 12, 5, 10, 0))  # due 4.01
    sent = answer_by_letter(alice_account)  # another one, posted: nothing due any more
    services.case_letter_posted(letter=sent, posted_on=TODAY)
    html = staff_client.get("/admin/subscribers/case/").content.decode()
    order = [
        html.index(to_post.case.number),
        html.index(later.number),
        html.index(sent.case.number),
    ]
    assert order == sorted(order)
    assert '<td class="field-due">16</td>' in html and '<td class="field-due">20</td>' in html


# The subscriber's page -----------------------------------------------------------


def test_it_shows_the_subscriber_the_letter_once_posted(alice_account):
    letter = answer_by_letter(alice_account)
    url = f"/abonent/bok/{letter.case_id}/"
    client = login_as(alice_account)
    page = client.get(url).content.decode()
    assert "zostało 16 dni" in page and "Wyślemy ją listem" in page
    assert "zwrot 20 zł" not in page  # given when sent
    assert client.get(f"{url}list/{letter.pk}/").status_code == 404
    services.case_letter_posted(letter=letter, posted_on=TODAY, registered_number="RR123456789PL")
    page = client.get(url).content.decode()
    assert "Odpowiedź wysłana listem 15.12.2026" in page and "RR123456789PL" in page
    assert "zwrot 20 zł" in page and "zostało" not in page
    download = client.get(f"{url}list/{letter.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert download.content == bytes(letter.pdf)
    assert client.post(f"{url}list/{letter.pk}/").status_code == 405


def test_it_shows_a_repeated_letter_pending_then_posted(alice_account):
    letter = answer_by_letter(alice_account)
    services.case_letter_posted(letter=letter, posted_on=TODAY)
    client = login_as(alice_account, code=True)
    url = f"/abonent/bok/{letter.case_id}/"
    client.post(f"{url}ponownie/")
    page = client.get(url).content.decode()
    assert "Ponowną odpowiedź wyślemy listem najpóźniej" in page
    assert "Doręcz odpowiedź ponownie" not in page
    repeat = CaseLetter.objects.get(kind=CaseLetter.Kind.REPEAT)
    services.case_letter_posted(letter=repeat, posted_on=TODAY)
    page = client.get(url).content.decode()
    assert "Ponowna odpowiedź wysłana listem" in page and "Doręcz odpowiedź ponownie" in page


def test_it_answers_404_for_another_subscribers_letter(alice_account, charlie_account):
    letter = answer_by_letter(alice_account)
    services.case_letter_posted(letter=letter, posted_on=TODAY)
    own = answer_by_letter(charlie_account)
    services.case_letter_posted(letter=own, posted_on=TODAY)
    charlie = login_as(charlie_account)
    assert charlie.get(f"/abonent/bok/{letter.case_id}/list/{letter.pk}/").status_code == 404
    # Her own case with alice's letter id: the letter is looked up only within the case.
    assert charlie.get(f"/abonent/bok/{own.case_id}/list/{letter.pk}/").status_code == 404
    assert charlie.get(f"/abonent/bok/{own.case_id}/list/{own.pk}/").status_code == 200
