"""Does this company (or this user's company) have right X, and why.

Everything that gates a partner page goes through here: `has_right`, the
`right_required` decorator (partners.access), the `{% has_right %}` tag and
`explain`, which says which grant or condition decided. Levels are rows; the
code never compares level numbers.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import statements
from accounts.models import Organisation, User

from . import caching
from .caching import Matrix, rights_matrix
from .models import Level, LevelGrant, PartnerProfile, Right

_CACHE = "_partner_rights"
_MATRIX = "_partner_matrix"
SNAPSHOT = "_partner_snapshot"  # caching.Snapshot of a user's company, read with it


def _profile_of_user() -> QuerySet[PartnerProfile]:
    """The company of a user (`statements.ID`), compiled once: every partner page asks."""
    return (
        PartnerProfile.objects.select_related("organisation")
        .filter(
            organisation__kind=Organisation.Kind.PARTNER,
            organisation__memberships__user_id=statements.ID,
        )
        .order_by("organisation__name", "pk")[:1]
    )


def profile_of(subject: User | Organisation | PartnerProfile) -> PartnerProfile | None:
    """The partner profile behind a user (their company), a company, or the profile itself."""
    if isinstance(subject, PartnerProfile):
        return subject
    if isinstance(subject, Organisation):
        try:
            return subject.partner_profile
        except PartnerProfile.DoesNotExist:
            return None
    cached = getattr(subject, "_partner_profile", False)
    if cached is not False:
        return cached  # type: ignore[return-value]  # only this function stores it
    found = statements.objects(_profile_of_user, {statements.ID: subject.pk})
    profile: PartnerProfile | None = found[0] if found else None
    if profile is not None:
        snapshot = caching.snapshot(profile.organisation_id)
        profile.level = snapshot.matrix.levels[profile.level_id]  # with next and fallback
        setattr(profile, _MATRIX, snapshot.matrix)
        setattr(profile, SNAPSHOT, snapshot)
    subject._partner_profile = profile  # type: ignore[attr-defined]  # per-object cache, read above
    return profile


def _matrix(profile: PartnerProfile) -> Matrix:
    """The matrix read for this profile's request: one cache read per request, not per use."""
    matrix = getattr(profile, _MATRIX, None)
    if matrix is None:
        matrix = rights_matrix()
        setattr(profile, _MATRIX, matrix)
    return matrix  # type: ignore[no-any-return]  # only this module stores it


def _today() -> date:
    return timezone.localdate()


def condition_met(profile: PartnerProfile, condition: str) -> bool:
    if condition == Right.Condition.SUBSCRIPTION_SALES:
        return profile.subscription_sales
    return not condition


def held_rights(profile: PartnerProfile, today: date | None = None) -> list[Right]:
    """The Right rows the company holds today (its level's grants, conditions met): one query."""
    today = today or _today()
    cached = getattr(profile, _CACHE, None)
    if cached is not None and cached[0] == today:
        return cached[1]  # type: ignore[no-any-return]  # only this function stores it
    level = profile.effective_level(today)
    rows = [
        right
        for right in _matrix(profile).rights.get(level.pk, [])
        if condition_met(profile, right.condition)
    ]
    setattr(profile, _CACHE, (today, rows))
    return rows


def rights_of(profile: PartnerProfile, today: date | None = None) -> frozenset[str]:
    """Codes of every right the company holds today."""
    return frozenset(right.code for right in held_rights(profile, today))


def level_rights(level: Level) -> frozenset[str]:
    """Codes granted to a level, before any condition."""
    return frozenset(right.code for right in rights_matrix().rights.get(level.pk, []))


def has_right(
    subject: User | Organisation | PartnerProfile, code: str, *, today: date | None = None
) -> bool:
    profile = profile_of(subject)
    if profile is None:
        return False
    if isinstance(subject, User) and not subject.is_active:
        return False
    return code in rights_of(profile, today)


@dataclass(frozen=True)
class Explanation:
    """Why a company has, or has not, one right."""

    right: Right
    allowed: bool
    level: Level  # the level whose rights apply today
    grant: LevelGrant | None  # the grant of that level, if any
    condition: str  # the right's extra condition ("" for none)
    condition_met: bool
    technician_expired: bool
    granting_levels: list[Level] = field(default_factory=list)

    @property
    def message(self) -> str:
        if self.allowed:
            if self.condition:
                return _(
                    "Uprawnienie daje poziom %(level)s, a firma spełnia warunek: %(condition)s."
                ) % {"level": self.level.number, "condition": self.condition_label}
            return _("Uprawnienie daje poziom %(level)s (%(note)s).") % {
                "level": self.level.number,
                "note": self.grant.note if self.grant else "",
            }
        if self.grant is not None and not self.condition_met:
            return _(
                "Poziom %(level)s daje to uprawnienie tylko firmom, które spełniają warunek: "
                "%(condition)s."
            ) % {"level": self.level.number, "condition": self.condition_label}
        levels = ", ".join(str(level.number) for level in self.granting_levels)
        if self.technician_expired:
            return _(
                "Uprawnienia serwisanta firmy wygasły, więc obowiązują uprawnienia poziomu "
                "%(level)s, który nie daje tego uprawnienia. Daje je: %(levels)s."
            ) % {"level": self.level.number, "levels": levels or "—"}
        return _("Poziom %(level)s nie daje tego uprawnienia. Daje je poziom: %(levels)s.") % {
            "level": self.level.number,
            "levels": levels or "—",
        }

    @property
    def condition_label(self) -> str:
        return str(Right.Condition(self.condition).label) if self.condition else ""


def explain(
    subject: User | Organisation | PartnerProfile,
    right: Right | str,
    *,
    today: date | None = None,
    level: Level | None = None,
) -> Explanation:
    """Which grant or condition decides `right` for the company (or for `level`, viewing as it)."""
    today = today or _today()
    if isinstance(right, str):
        right = Right.objects.get(code=right)
    profile = profile_of(subject)
    if profile is None:
        raise LookupError("not a partner company")
    effective = level or profile.effective_level(today)
    grant = LevelGrant.objects.filter(level=effective, right=right).first()
    met = condition_met(profile, right.condition)
    granting = list(Level.objects.filter(grants__right=right).order_by("number"))
    return Explanation(
        right=right,
        allowed=grant is not None and met,
        level=effective,
        grant=grant,
        condition=right.condition,
        condition_met=met,
        technician_expired=level is None and effective.pk != profile.level_id,
        granting_levels=granting,
    )


@dataclass(frozen=True)
class NextLevel:
    """What applying for the next level would change."""

    level: Level
    gains: list[Right]
    losses: list[Right]


def next_level_of(profile: PartnerProfile, today: date | None = None) -> NextLevel | None:
    """The next level's gains and losses against today's level, from the rights matrix."""
    today = today or _today()
    current = profile.effective_level(today)
    target = current.next_level
    if target is None:
        return None
    matrix = _matrix(profile)
    mine = {right.code: right for right in matrix.rights.get(current.pk, [])}
    theirs = {right.code: right for right in matrix.rights.get(target.pk, [])}
    return NextLevel(
        level=target,
        gains=[theirs[c] for c in theirs if c not in mine],
        losses=[mine[c] for c in mine if c not in theirs],
    )
