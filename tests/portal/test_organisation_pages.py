"""An organisation's pages: members, invitations by e-mail, removal, accepting the link."""

import re

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Invitation, Membership, User
from notifications.models import OutboxMessage


def _members_url(organisation) -> str:  # type: ignore[no-untyped-def]
    return reverse("organisations:members", args=[organisation.pk])


@pytest.mark.django_db
def test_it_lists_the_members_for_alice_and_bob(client, organisation, alice, bob):
    for user in (alice, bob):
        client.force_login(user)
        response = client.get(_members_url(organisation))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Alicja Nowak" in html and "Bogdan Kowal" in html
    # bob is a member, not an owner: no invitation form, no remove buttons
    assert "Wyślij zaproszenie" not in html
    assert "Usuń z organizacji" not in html


@pytest.mark.django_db
def test_it_answers_404_to_charlie_on_every_page_of_alice_organisation(
    client, organisation, charlie, bob
):
    client.force_login(charlie)
    membership = Membership.objects.get(user=bob)
    urls = [
        ("get", _members_url(organisation)),
        ("post", reverse("organisations:invite", args=[organisation.pk])),
        ("post", reverse("organisations:remove", args=[organisation.pk, membership.pk])),
    ]
    for method, url in urls:
        assert getattr(client, method)(url, {"email": "x@example.com"}).status_code == 404
    assert Membership.objects.filter(user=bob).exists()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_the_list_is_reached_from_the_account_menu(client, organisation, alice):
    client.force_login(alice)
    home = client.get(reverse("home")).content.decode()
    assert reverse("organisations:list") in home
    response = client.get(reverse("organisations:list"))
    assert "Agencja Nowak" in response.content.decode()


@pytest.mark.django_db
def test_the_members_page_counts_its_queries(
    client, organisation, alice, django_assert_max_num_queries
):
    for n in range(10):
        User.objects.create_user(username=f"m{n}", email=f"m{n}@example.com")
        Membership.objects.create(
            organisation=organisation, user=User.objects.get(username=f"m{n}")
        )
        services.invitation_create(
            organisation=organisation, email=f"inv{n}@example.com", invited_by=alice
        )
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(_members_url(organisation))
    assert response.content.decode().count("inv") >= 10


@pytest.mark.django_db
def test_it_needs_a_login_and_refuses_get_on_actions(client, organisation, alice):
    response = client.get(_members_url(organisation))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    client.force_login(alice)
    assert client.get(reverse("organisations:invite", args=[organisation.pk])).status_code == 405


def _invite(client, organisation, email: str, role: str = "member"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("organisations:invite", args=[organisation.pk]), {"email": email, "role": role}
    )


def _token_from_outbox() -> str:
    message = OutboxMessage.objects.get(topic__startswith="organisation:")
    match = re.search(r"/konto/organizacje/zaproszenie/([^/\s]+)/", message.body_text)
    assert match, message.body_text
    return match.group(1)


@pytest.mark.django_db
def test_an_owner_invites_by_email_and_a_newcomer_sets_up_an_account(client, organisation, alice):
    client.force_login(alice)
    response = _invite(client, organisation, "nowa@example.com")
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.recipient == "nowa@example.com"
    assert "Agencja Nowak" in message.subject
    assert "72 godziny" in message.body_text
    token = _token_from_outbox()
    assert "nowa@example.com" in client.get(_members_url(organisation)).content.decode()

    client.logout()
    accept = reverse("organisations:accept", args=[token])
    page = client.get(accept)
    assert page.status_code == 200
    assert "Załóż konto i dołącz" in page.content.decode()
    response = client.post(
        accept,
        {
            "username": "nowa",
            "first_name": "Nina",
            "last_name": "Nowa",
            "password1": "dluga-i-trudna-fraza-9",
            "password2": "dluga-i-trudna-fraza-9",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _members_url(organisation)
    user = User.objects.get(username="nowa")
    assert user.email == "nowa@example.com"
    assert Membership.objects.get(user=user).role == Membership.Role.MEMBER
    assert client.get(_members_url(organisation)).status_code == 200
    client.logout()
    assert client.get(accept).status_code == 404  # single use


@pytest.mark.django_db
def test_a_signup_with_mismatched_passwords_keeps_what_was_typed(client, organisation, alice):
    issued = services.invitation_create(
        organisation=organisation, email="nowa@example.com", invited_by=alice
    )
    response = client.post(
        reverse("organisations:accept", args=[issued.token]),
        {
            "username": "nowa",
            "first_name": "Nina",
            "last_name": "Nowa",
            "password1": "dluga-i-trudna-fraza-9",
            "password2": "inna-fraza-zupelnie-9",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Nina"' in html and 'value="nowa"' in html
    assert "hasła" in html.lower() or "hasło" in html.lower()
    assert not User.objects.filter(username="nowa").exists()


@pytest.mark.django_db
def test_a_logged_in_user_accepts_with_one_click(client, organisation, alice, charlie):
    issued = services.invitation_create(
        organisation=organisation, email=charlie.email, invited_by=alice
    )
    accept = reverse("organisations:accept", args=[issued.token])
    client.force_login(charlie)
    assert "Dołącz do organizacji" in client.get(accept).content.decode()
    response = client.post(accept)
    assert response["Location"] == _members_url(organisation)
    assert organisation.members.filter(pk=charlie.pk).exists()


@pytest.mark.django_db
def test_an_invitee_with_an_account_is_asked_to_log_in(client, organisation, alice, charlie):
    issued = services.invitation_create(
        organisation=organisation, email=charlie.email, invited_by=alice
    )
    accept = reverse("organisations:accept", args=[issued.token])
    html = client.get(accept).content.decode()
    assert "zaloguj się" in html
    assert f"?next={accept}" in html
    assert "Załóż konto" not in html
    assert client.post(accept, {"username": "x"}).status_code == 200
    assert not organisation.members.filter(pk=charlie.pk).exists()


@pytest.mark.django_db
def test_wrong_links_are_limited_per_ip(client):
    for _ in range(10):
        response = client.get(reverse("organisations:accept", args=["nie-ma-takiego"]))
        assert response.status_code == 404
        assert "nieważny" in response.content.decode()
    assert client.get(reverse("organisations:accept", args=["inny"])).status_code == 429


@pytest.mark.django_db
def test_an_owner_removes_bob_and_cannot_remove_herself_as_last_owner(
    client, organisation, alice, bob
):
    client.force_login(alice)
    mine = Membership.objects.get(user=alice)
    response = client.post(
        reverse("organisations:remove", args=[organisation.pk, mine.pk]), follow=True
    )
    assert "ostatniego właściciela" in response.content.decode()
    bobs = Membership.objects.get(user=bob)
    response = client.post(
        reverse("organisations:remove", args=[organisation.pk, bobs.pk]), follow=True
    )
    assert "nie należy już do organizacji" in response.content.decode()
    assert list(organisation.members.all()) == [alice]


@pytest.mark.django_db
def test_bob_as_a_member_cannot_remove_or_invite(client, organisation, alice, bob):
    client.force_login(bob)
    mine = Membership.objects.get(user=alice)
    response = client.post(
        reverse("organisations:remove", args=[organisation.pk, mine.pk]), follow=True
    )
    assert "Tylko właściciel" in response.content.decode()
    response = client.post(
        reverse("organisations:invite", args=[organisation.pk]),
        {"email": "x@example.com", "role": "owner"},
        follow=True,
    )
    assert "Tylko właściciel" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_an_owner_revokes_an_invitation(client, organisation, alice):
    issued = services.invitation_create(
        organisation=organisation, email="nowa@example.com", invited_by=alice
    )
    client.force_login(alice)
    client.post(
        reverse("organisations:invitation-revoke", args=[organisation.pk, issued.invitation.pk])
    )
    assert services.invitation_for_token(issued.token) is None


@pytest.mark.django_db
def test_an_invalid_email_gets_a_polish_error_and_keeps_what_was_typed(client, organisation, alice):
    client.force_login(alice)
    response = _invite(client, organisation, "to-nie-email")
    assert response.status_code == 200
    assert "Wprowadź poprawny adres email." in response.content.decode()
    assert 'value="to-nie-email"' in response.content.decode()
    response = _invite(client, organisation, "bob@example.com")
    assert "już należy do organizacji" in response.content.decode()
    assert 'value="bob@example.com"' in response.content.decode()


@pytest.mark.django_db
def test_the_admin_lists_organisations_with_members_and_invitations(
    staff_client, organisation, alice
):
    client = staff_client  # the admin opens only to a session verified by a second factor
    services.invitation_create(
        organisation=organisation, email="nowa@example.com", invited_by=alice
    )
    page = client.get(reverse("admin:accounts_organisation_change", args=[organisation.pk]))
    assert page.status_code == 200
    assert "Członkostwa" in page.content.decode()
    listing = client.get(reverse("admin:accounts_invitation_changelist"))
    assert "nowa@example.com" in listing.content.decode()
    assert "oczekuje" in listing.content.decode()
