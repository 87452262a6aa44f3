from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def login(client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_it_logs_in_and_rotates_the_session_key(client, alice):
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key
    response = login(client, "alice", "alice-secret-pass")
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(alice.pk)


@pytest.mark.django_db
def test_a_wrong_password_gets_a_polish_message_and_keeps_the_username(client, alice):
    response = login(client, "alice", "wrong")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nieprawidłowa nazwa użytkownika lub hasło." in html
    assert 'value="alice"' in html
    assert "aria-invalid" not in html or 'role="alert"' in html


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(client, alice):
    with time_machine.travel(NOW, tick=False) as clock:
        for _ in range(4):
            login(client, "alice", "wrong")
            clock.shift(timedelta(minutes=2))
        response = login(client, "alice", "wrong")
        assert "logowanie jest zablokowane" in response.content.decode()
        assert "15 minut" in response.content.decode()

        # Even the right password is refused while the lock lasts.
        clock.shift(timedelta(minutes=14, seconds=59))
        response = login(client, "alice", "alice-secret-pass")
        assert response.status_code == 200
        assert "Spróbuj ponownie za 1 minutę" in response.content.decode()

        clock.shift(timedelta(seconds=1))
        assert login(client, "alice", "alice-secret-pass").status_code == 302


@pytest.mark.django_db
def test_the_lock_is_per_account(client, alice, bob):
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            login(client, "alice", "wrong")
        assert login(client, "bob", "bob-secret-pass").status_code == 302


@pytest.mark.django_db
def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(client, alice):
    with time_machine.travel(NOW, tick=False) as clock:
        for _ in range(6):
            login(client, "alice", "wrong")
            clock.shift(timedelta(minutes=4))
        assert login(client, "alice", "alice-secret-pass").status_code == 302


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_stopped(client, alice):
    with time_machine.travel(NOW, tick=False):
        for n in range(20):
            login(client, f"nobody{n}", "wrong")
        response = login(client, "alice", "alice-secret-pass")
        assert response.status_code == 200
        assert "zablokowane" in response.content.decode()


@pytest.mark.django_db
def test_logout_needs_post(client, alice):
    client.force_login(alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sessions_end_after_thirty_minutes_idle(client, alice):
    with time_machine.travel(NOW, tick=False) as clock:
        login(client, "alice", "alice-secret-pass")
        clock.shift(timedelta(minutes=29))
        assert client.get(reverse("home")).wsgi_request.user.is_authenticated
        clock.shift(timedelta(minutes=29))  # active again within 30 minutes: still in
        assert client.get(reverse("home")).wsgi_request.user.is_authenticated
        clock.shift(timedelta(minutes=30, seconds=1))
        assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_sessions_end_after_twelve_hours_however_active(client, alice):
    with time_machine.travel(NOW, tick=False) as clock:
        login(client, "alice", "alice-secret-pass")
        for _ in range(12 * 3 - 1):
            clock.shift(timedelta(minutes=20))
            assert client.get(reverse("home")).wsgi_request.user.is_authenticated
        clock.shift(timedelta(minutes=20, seconds=1))
        assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
    assert settings.SESSION_ABSOLUTE_AGE == 12 * 3600


@pytest.mark.django_db
def test_activity_writes_the_session_at_most_once_a_minute(client, alice):
    from django.contrib.sessions.models import Session

    with time_machine.travel(NOW, tick=False) as clock:
        login(client, "alice", "alice-secret-pass")
        key = client.session.session_key
        expiry = Session.objects.get(session_key=key).expire_date
        clock.shift(timedelta(seconds=59))
        client.get(reverse("home"))
        assert Session.objects.get(session_key=key).expire_date == expiry
        clock.shift(timedelta(seconds=1))
        client.get(reverse("home"))
        assert Session.objects.get(session_key=key).expire_date == expiry + timedelta(minutes=1)


@pytest.mark.django_db
def test_anonymous_visits_create_no_session(client):
    from django.contrib.sessions.models import Session

    client.get(reverse("home"))
    client.get(reverse("accounts:login"))
    assert Session.objects.count() == 0
