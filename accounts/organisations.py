"""Finding an organisation's rows through the membership of the user asking.

Every page of an area whose rows belong to an organisation (an SMS agency, a
partner company) goes through these helpers, in the shape of a view's
`_get_<thing>_for_user(request, pk)`: a row of another organisation answers 404,
exactly like a row that does not exist.
"""

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import Membership, Organisation, User


def organisations_of(user: User, *, kind: str | None = None) -> QuerySet[Organisation]:
    """The organisations `user` belongs to (of one kind, if given)."""
    queryset = Organisation.objects.filter(memberships__user=user)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    return queryset


def owned_by_user[M: Model](
    queryset: QuerySet[M], user: User, *, via: str = "organisation"
) -> QuerySet[M]:
    """Rows of `queryset` whose organisation (reached by the lookup `via`) has `user`.

    `via=""` filters organisations themselves.
    """
    lookup = f"{via}__memberships__user" if via else "memberships__user"
    return queryset.filter(**{lookup: user})


def get_for_user[M: Model](
    queryset: QuerySet[M], request: HttpRequest, pk: object, *, via: str = "organisation"
) -> M:
    """One row of the user's organisations, or 404 (never 403: ids are not confirmed)."""
    return get_object_or_404(owned_by_user(queryset, request.user, via=via), pk=pk)  # type: ignore[arg-type]  # a view behind login: the user is a User


def membership_for(user: User, organisation: Organisation) -> Membership | None:
    return Membership.objects.filter(user=user, organisation=organisation).first()


def current_organisation(request: HttpRequest, *, kind: str) -> Organisation:
    """The organisation of `kind` the user acts for: the one chosen in the session, else the first.

    A user of several organisations switches by storing the organisation's pk
    under `organisation:<kind>` in the session; an id that is not theirs is ignored.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404
    mine = organisations_of(user, kind=kind)
    chosen = request.session.get(f"organisation:{kind}")
    organisation = (mine.filter(pk=chosen).first() if chosen else None) or mine.first()
    if organisation is None:
        raise Http404
    return organisation
