"""Support questions (level 4+): a case with a number, a thread, replies by e-mail."""

from datetime import date

from django.core import mail
from django.urls import reverse

from accounts.roles import Role
from partners.models import SupportCase

from .conftest import add_member, level_client, login_client, make_user

CASES = reverse("partners:cases")


def test_it_opens_a_numbered_case_and_staff_reply_by_email(
    db, staff_client, django_capture_on_commit_callbacks
):
    tech, user = level_client("tech", 4, technician_until=date(2099, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        response = tech.post(CASES, {"subject": "Błąd bazy", "body": "Nie działa indeks"})
    case = SupportCase.objects.get()
    assert response["Location"] == reverse("partners:case", args=[case.pk])
    assert case.number == f"PT-{case.pk:06d}"
    assert "pomoc-partnerzy@example.com" in mail.outbox[0].to
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:partners_supportcase_change", args=[case.pk]),
            {
                "state": "open",
                "reply": "Proszę przebudować indeks",
                "messages-TOTAL_FORMS": "1",
                "messages-INITIAL_FORMS": "1",
                "messages-MIN_NUM_FORMS": "0",
                "messages-MAX_NUM_FORMS": "1000",
                "messages-0-id": str(case.messages.get().pk),
                "messages-0-case": str(case.pk),
            },
        )
    assert mail.outbox[-1].to == ["tech@example.com"]
    assert "Proszę przebudować indeks" in mail.outbox[-1].body
    page = tech.get(reverse("partners:case", args=[case.pk])).text
    assert "Nie działa indeks" in page and "Proszę przebudować indeks" in page


def test_it_hides_a_case_from_another_company(db):
    tech, _ = level_client("tech", 4, technician_until=date(2099, 1, 1))
    tech.post(CASES, {"subject": "Pytanie o indeks", "body": "Treść"})
    case = SupportCase.objects.get()
    other, _ = level_client("inny", 5)
    assert other.get(reverse("partners:case", args=[case.pk])).status_code == 404
    assert "Pytanie o indeks" not in other.get(CASES).text


def test_it_lets_a_colleague_see_the_case(db):
    tech, user = level_client("tech", 4, technician_until=date(2099, 1, 1))
    tech.post(CASES, {"subject": "Pytanie", "body": "Treść"})
    colleague = add_member(make_user("kolega", Role.PARTNER), user.organisations.get())
    url = reverse("partners:case", args=[SupportCase.objects.get().pk])
    assert login_client(colleague).get(url).status_code == 200


def test_it_keeps_level_3_and_expired_technicians_out(db):
    three, _ = level_client("trzy", 3)
    assert three.get(CASES).status_code == 403
    expired, _ = level_client("byly", 4, technician_until=date(2020, 1, 1))
    response = expired.get(CASES)
    assert response.status_code == 403 and "wygasły" in response.text
