"""Invitations and memberships: the services in accounts.services."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from accounts import services
from accounts.models import Invitation, Membership, Organisation
from accounts.organisations import get_for_user, organisations_of, owned_by_user

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night the clocks go forward in Warsaw


class _Request:
    def __init__(self, user):  # type: ignore[no-untyped-def]
        self.user = user


@pytest.mark.django_db
def test_it_gives_charlie_404_on_alice_organisations_rows(organisation, alice, bob, charlie):
    from django.http import Http404

    memberships = Membership.objects.all()
    row = memberships.get(organisation=organisation, user=bob)
    assert get_for_user(memberships, _Request(alice), row.pk) == row  # type: ignore[arg-type]
    assert get_for_user(memberships, _Request(bob), row.pk) == row  # type: ignore[arg-type]
    with pytest.raises(Http404):
        get_for_user(memberships, _Request(charlie), row.pk)  # type: ignore[arg-type]
    assert list(owned_by_user(memberships, charlie)) == []
    assert list(organisations_of(bob)) == [organisation]
    assert list(owned_by_user(Organisation.objects.all(), charlie, via="")) == []


@pytest.mark.django_db
def test_it_stores_only_the_hash_of_the_invitation_token(organisation, alice):
    issued = services.invitation_create(
        organisation=organisation, email="nowy@example.com", invited_by=alice
    )
    stored = Invitation.objects.get()
    assert stored.token_hash == services.hash_invitation_token(issued.token)
    assert issued.token not in stored.token_hash
    assert len(issued.token) >= 40


@pytest.mark.django_db
def test_it_refuses_an_invitation_from_a_member_who_is_not_an_owner(organisation, bob):
    with pytest.raises(services.OrganisationError, match="Tylko właściciel"):
        services.invitation_create(organisation=organisation, email="x@example.com", invited_by=bob)
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_it_refuses_to_invite_someone_already_in(organisation, alice):
    with pytest.raises(services.OrganisationError, match="już należy"):
        services.invitation_create(
            organisation=organisation, email="BOB@example.com", invited_by=alice
        )


@pytest.mark.django_db
def test_the_link_works_once_and_for_72_hours(organisation, alice, charlie):
    with time_machine.travel(NOW, tick=False) as clock:
        issued = services.invitation_create(
            organisation=organisation, email=charlie.email, invited_by=alice
        )
        clock.move_to(NOW + timedelta(hours=72) - timedelta(seconds=1))
        assert services.invitation_for_token(issued.token) is not None
        clock.move_to(NOW + timedelta(hours=72))
        assert services.invitation_for_token(issued.token) is None
        with pytest.raises(services.OrganisationError, match="72 godziny"):
            services.invitation_accept(token=issued.token, user=charlie)
    assert not Membership.objects.filter(user=charlie).exists()


@pytest.mark.django_db
def test_it_accepts_once(organisation, alice, charlie):
    issued = services.invitation_create(
        organisation=organisation,
        email=charlie.email,
        invited_by=alice,
        role=Membership.Role.OWNER,
    )
    membership = services.invitation_accept(token=issued.token, user=charlie)
    assert membership.role == Membership.Role.OWNER
    assert membership.organisation == organisation
    with pytest.raises(services.OrganisationError):
        services.invitation_accept(token=issued.token, user=charlie)
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == charlie
    assert invitation.accepted_at is not None


@pytest.mark.django_db
def test_a_new_invitation_revokes_the_earlier_one(organisation, alice, charlie):
    first = services.invitation_create(
        organisation=organisation, email=charlie.email, invited_by=alice
    )
    second = services.invitation_create(
        organisation=organisation, email=charlie.email, invited_by=alice
    )
    assert services.invitation_for_token(first.token) is None
    assert services.invitation_for_token(second.token) is not None


@pytest.mark.django_db
def test_an_owner_removes_a_member_but_never_the_last_owner(organisation, alice, bob):
    bob_membership = Membership.objects.get(user=bob)
    alice_membership = Membership.objects.get(user=alice)
    with pytest.raises(services.OrganisationError, match="Tylko właściciel"):
        services.membership_remove(membership=alice_membership, actor=bob)
    with pytest.raises(services.OrganisationError, match="ostatniego właściciela"):
        services.membership_remove(membership=alice_membership, actor=alice)
    services.membership_remove(membership=bob_membership, actor=alice)
    assert list(organisation.members.all()) == [alice]


@pytest.mark.django_db
def test_an_owner_may_leave_when_another_owner_stays(organisation, alice, bob):
    Membership.objects.filter(user=bob).update(role=Membership.Role.OWNER)
    services.membership_remove(membership=Membership.objects.get(user=alice), actor=alice)
    assert list(organisation.members.all()) == [bob]
