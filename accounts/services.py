"""Use cases of organisations: inviting members, accepting, removing.

`accounts` imports no other app of ours, so nothing here sends anything: a
service returns what the caller needs to tell people (the invitation and its
link's token), and the caller (a view in `portal`, which knows every app)
puts the e-mail into the outbox inside the same transaction.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Invitation, Membership, Organisation, User

INVITATION_VALID_FOR = timedelta(hours=72)


class OrganisationError(Exception):
    """A refusal whose message is for the user (in Polish)."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # shown once, in the e-mailed link; only its hash is stored


def hash_invitation_token(token: str) -> str:
    # 256 random bits: a plain SHA-256 cannot be brute-forced.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _require_owner(organisation: Organisation, user: User) -> None:
    if not Membership.objects.filter(
        organisation=organisation, user=user, role=Membership.Role.OWNER
    ).exists():
        raise OrganisationError(_("Tylko właściciel organizacji może zarządzać jej członkami."))


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    invited_by: User,
    role: str = Membership.Role.MEMBER,
    now: datetime | None = None,
) -> IssuedInvitation:
    """An owner invites `email`; earlier open invitations of that address are revoked."""
    now = now or timezone.now()
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _require_owner(organisation, invited_by)
    email = email.strip()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise OrganisationError(_("Osoba z tym adresem e-mail już należy do organizacji."))
    Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=hash_invitation_token(token),
        invited_by=invited_by,
        expires_at=now + INVITATION_VALID_FOR,
    )
    return IssuedInvitation(invitation=invitation, token=token)


def invitation_for_token(token: str, *, now: datetime | None = None) -> Invitation | None:
    """The usable invitation of a link's token; None when unknown, used, revoked or expired."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=hash_invitation_token(token))
        .first()
    )
    if invitation is None or not invitation.is_usable(now or timezone.now()):
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User, now: datetime | None = None) -> Membership:
    """`user` joins the organisation; the link works once (locked against a double click)."""
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .filter(token_hash=hash_invitation_token(token))
        .first()
    )
    if invitation is None or not invitation.is_usable(now):
        raise OrganisationError(
            _(
                "To zaproszenie jest nieważne: zostało już wykorzystane, unieważnione "
                "albo minęły 72 godziny. Poproś właściciela organizacji o nowe."
            )
        )
    membership = Membership.objects.filter(organisation=invitation.organisation, user=user).first()
    if membership is None:
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    organisation=invitation.organisation, user=user, role=invitation.role
                )
        except IntegrityError:  # joined meanwhile through another invitation
            membership = Membership.objects.get(organisation=invitation.organisation, user=user)
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User, now: datetime | None = None) -> None:
    _require_owner(invitation.organisation, actor)
    Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now or timezone.now())


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    """An owner removes a member (or another owner), never the last owner."""
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    _require_owner(organisation, actor)
    membership = Membership.objects.get(pk=membership.pk)
    if membership.is_owner:
        owners = Membership.objects.filter(organisation=organisation, role=Membership.Role.OWNER)
        if owners.count() <= 1:
            raise OrganisationError(
                _("Nie można usunąć ostatniego właściciela: najpierw dodaj innego właściciela.")
            )
    membership.delete()
