import re
from datetime import timedelta

import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from accounts.roles import Role
from notifications.sms.models import Agency

FORM = {
    "company": "Agencja Beta sp. z o.o.",
    "nip": "526-025-02-74",
    "address": "ul. Polna 1, 00-001 Warszawa",
    "email": "Biuro@Beta.pl",
    "phone": "600 100 200",
    "first_name": "Łucja",
    "last_name": "Wiśniewska",
}


def _register(client: Client, django_capture_on_commit_callbacks, **changes: str):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/sms/rejestracja/", {**FORM, **changes})


def _link(body: str) -> str:
    return re.search(r"http://[^\s]+/sms/aktywacja/[^\s/]+/", body).group(0)  # type: ignore[union-attr]


def test_it_registers_an_agency_and_emails_the_code_and_link(
    db, client, django_capture_on_commit_callbacks
) -> None:
    response = _register(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    agency = Agency.objects.get()
    assert agency.organisation.kind == Organisation.Kind.SMS_AGENCY
    assert agency.organisation.nip == "5260250274"
    user = User.objects.get(email="biuro@beta.pl")
    assert not user.has_usable_password()
    assert user.has_role(Role.SMS_USER)
    assert Membership.objects.get(user=user).organisation == agency.organisation
    [email] = mail.outbox
    assert agency.registration_code in email.body
    assert "hasło" in email.body.lower()
    assert "password" not in email.body


def test_it_refuses_a_wrong_nip_and_keeps_what_was_typed(db, client) -> None:
    response = client.post("/sms/rejestracja/", {**FORM, "nip": "5260250275"})
    assert response.status_code == 200
    assert "Nieprawidłowy NIP" in response.content.decode()
    assert "Agencja Beta sp. z o.o." in response.content.decode()
    assert not Agency.objects.exists()


def test_the_activation_link_sets_a_password_once(
    db, client, django_capture_on_commit_callbacks
) -> None:
    _register(client, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0].body).replace("http://127.0.0.1:8000", "")
    assert client.get(link).status_code == 200
    response = client.post(
        link, {"password1": "Zielona-Łąka-2026", "password2": "Zielona-Łąka-2026"}
    )
    assert response.status_code == 302
    assert client.get(link).status_code == 404
    response = client.post(
        "/sms/logowanie/", {"username": "BIURO@beta.pl", "password": "Zielona-Łąka-2026"}
    )
    assert response.status_code == 302 and response["Location"] == "/sms/"
    assert client.get("/sms/").status_code == 200


def test_the_activation_link_expires_after_24_hours(
    db, client, django_capture_on_commit_callbacks
) -> None:
    _register(client, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0].body).replace("http://127.0.0.1:8000", "")
    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1)):
        assert client.get(link).status_code == 404


def test_login_is_locked_after_five_wrong_passwords(
    db, client, django_capture_on_commit_callbacks
) -> None:
    _register(client, django_capture_on_commit_callbacks)
    user = User.objects.get()
    user.set_password("Zielona-Łąka-2026")
    user.save()
    for _ in range(5):
        client.post("/sms/logowanie/", {"username": "biuro@beta.pl", "password": "zle"})
    response = client.post(
        "/sms/logowanie/", {"username": "biuro@beta.pl", "password": "Zielona-Łąka-2026"}
    )
    assert response.status_code == 200
    assert "zablokowane" in response.content.decode()


def test_an_agent_given_the_module_reaches_it_from_the_agent_menu(alice, charlie) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from notifications.sms import services
    from tests.conftest import session_verified_by

    from .conftest import make_agency

    agency = make_agency("Agencja Gamma", "SMSGAMMA2")
    device = TOTPDevice.objects.create(user=alice, name="test", confirmed=True)
    client = session_verified_by(alice, device)
    assert "Moduł SMS" not in client.get("/agent/oferty/").content.decode()
    assert client.get("/sms/").status_code == 404
    services.agency_grant_to_user(agency=agency, user=alice)
    assert 'href="/sms/"' in client.get("/agent/oferty/").content.decode()
    assert client.get("/sms/").status_code == 200


def test_a_user_of_no_agency_gets_404(charlie) -> None:
    client = Client()
    client.force_login(charlie)
    assert client.get("/sms/").status_code == 404


def test_an_anonymous_visitor_goes_to_the_login(db, client) -> None:
    response = client.get("/sms/wiadomosci/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sms/logowanie/")
