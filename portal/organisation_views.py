"""An organisation's members: the list, invitations by e-mail, removal, accepting a link.

These pages live in `portal` because inviting sends an e-mail through the
outbox (`notifications`), and `accounts`, which owns organisations, imports no
other app of ours: the services in `accounts.services` change the rows and
return the link's token, and the views here put the e-mail into the outbox in
the same transaction.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import ratelimit, services
from accounts.forms import InvitationForm, InvitationSignupForm
from accounts.models import AuthenticatedRequest, Invitation, Membership, Organisation, User
from accounts.network import client_ip
from accounts.organisations import get_for_user
from notifications.services import email_enqueue

# A wrong or stale link costs a guess: ten per IP in 15 minutes, then 15 minutes' pause.
INVITATION_IP_LIMIT = ratelimit.Limit("invitation-ip", max_failures=10, window=900, lockout=900)


def _get_organisation_for_user(request: AuthenticatedRequest, pk: int) -> Organisation:
    """One of the user's organisations, or 404 (another organisation looks like none)."""
    return get_for_user(Organisation.objects.all(), request, pk, via="")


def _membership_of(request: AuthenticatedRequest, organisation: Organisation) -> Membership:
    return Membership.objects.get(organisation=organisation, user=request.user)


def _members_page(
    request: AuthenticatedRequest, organisation: Organisation, form: InvitationForm | None = None
) -> HttpResponse:
    mine = _membership_of(request, organisation)
    members = organisation.memberships.select_related("user").order_by(
        "role", "user__last_name", "user__first_name", "pk"
    )
    invitations = (
        organisation.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).select_related("invited_by")
        if mine.is_owner
        else Invitation.objects.none()
    )
    context = {
        "organisation": organisation,
        "mine": mine,
        "members": members,
        "invitations": invitations,
        "form": form or InvitationForm(),
    }
    return render(request, "portal/organisation_members.html", context)


@login_required
@require_GET
def organisation_list(request: AuthenticatedRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return render(
        request,
        "portal/organisation_list.html",
        {"memberships": memberships.order_by("organisation__name", "pk")},
    )


@login_required
@require_GET
def organisation_members(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _members_page(request, _get_organisation_for_user(request, pk))


def invitation_url(token: str) -> str:
    return settings.PORTAL_BASE_URL + reverse("organisations:accept", args=[token])


@login_required
@require_POST
def organisation_invite(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    organisation = _get_organisation_for_user(request, pk)
    if not _membership_of(request, organisation).is_owner:
        messages.error(request, _("Tylko właściciel organizacji może zarządzać jej członkami."))
        return redirect("organisations:members", pk=organisation.pk)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _members_page(request, organisation, form)
    try:
        with transaction.atomic():
            issued = services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
            email_enqueue(
                to=issued.invitation.email,
                template="organisation_invitation",
                context={
                    "organisation": organisation,
                    "invitation": issued.invitation,
                    "inviter": request.user,
                    "url": invitation_url(issued.token),
                    "hours": int(services.INVITATION_VALID_FOR.total_seconds() // 3600),
                },
                topic=f"organisation:{organisation.pk}",
            )
    except services.OrganisationError as error:
        form.add_error(None, str(error.message))
        return _members_page(request, organisation, form)
    messages.success(
        request,
        _("Wysłaliśmy zaproszenie na adres %(email)s. Link jest ważny 72 godziny.")
        % {"email": issued.invitation.email},
    )
    return redirect("organisations:members", pk=organisation.pk)


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedRequest, pk: int, invitation_pk: int) -> HttpResponse:
    organisation = _get_organisation_for_user(request, pk)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, organisation=organisation)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
    except services.OrganisationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Zaproszenie zostało unieważnione."))
    return redirect("organisations:members", pk=organisation.pk)


@login_required
@require_POST
def membership_remove(request: AuthenticatedRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = _get_organisation_for_user(request, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_pk, organisation=organisation
    )
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except services.OrganisationError as error:
        messages.error(request, str(error.message))
        return redirect("organisations:members", pk=organisation.pk)
    name = membership.user.get_full_name() or membership.user.get_username()
    messages.success(request, _("%(name)s nie należy już do organizacji.") % {"name": name})
    if membership.user_id == request.user.pk:
        return redirect("organisations:list")
    return redirect("organisations:members", pk=organisation.pk)


def _invalid_invitation(request: HttpRequest, attempt: ratelimit.Attempt) -> HttpResponse:
    (decision,) = attempt.failed()
    response = render(
        request, "portal/invitation_invalid.html", {"locked": decision.locked}, status=404
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: a logged-in user joins; anyone else logs in or sets up an account."""
    try:  # counted before the token is looked up, like every code entry
        attempt = ratelimit.attempt((INVITATION_IP_LIMIT, client_ip(request)))
    except ratelimit.Unavailable:
        return render(request, "portal/invitation_invalid.html", {"unavailable": True}, status=503)
    if attempt.refused:
        return render(request, "portal/invitation_invalid.html", {"locked": True}, status=429)
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return _invalid_invitation(request, attempt)
    attempt.succeeded()
    signup: InvitationSignupForm | None = None
    account_exists = User.objects.filter(email__iexact=invitation.email).exists()
    if not request.user.is_authenticated and not account_exists:
        signup = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST":
        if request.user.is_authenticated:
            return _join(request, token, request.user)
        if signup is not None and signup.is_valid():
            return _sign_up_and_join(request, token, signup)
    context = {
        "invitation": invitation,
        "signup": signup,
        "account_exists": account_exists,
        "login_url": reverse(settings.LOGIN_URL) + "?next=" + request.path,
    }
    response = render(request, "portal/invitation_accept.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _join(request: HttpRequest, token: str, user: User) -> HttpResponse:
    try:
        membership = services.invitation_accept(token=token, user=user)
    except services.OrganisationError as error:
        messages.error(request, str(error.message))
        return redirect("organisations:list")
    return _joined(request, membership)


def _sign_up_and_join(
    request: HttpRequest, token: str, signup: InvitationSignupForm
) -> HttpResponse:
    try:
        with transaction.atomic():  # no account is left behind by a link used meanwhile
            user = signup.save()
            membership = services.invitation_accept(token=token, user=user)
    except services.OrganisationError as error:
        messages.error(request, str(error.message))
        return redirect("home")
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return _joined(request, membership)


def _joined(request: HttpRequest, membership: Membership) -> HttpResponse:
    messages.success(
        request,
        _("Dołączono do organizacji %(name)s.") % {"name": membership.organisation.name},
    )
    return redirect("organisations:members", pk=membership.organisation_id)
