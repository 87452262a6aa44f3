"""Reads of the partner area that pages share."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import NoReverseMatch, reverse

from accounts.models import User

from . import caching
from .access import PartnerContext
from .models import (
    Document,
    Forum,
    LevelApplication,
    LevelChange,
    PartnerProfile,
    Post,
    Right,
    Topic,
    TopicRead,
)
from .rights import SNAPSHOT

RECOMMENDATIONS_NEEDED = 3


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


def rights_held(partner: PartnerContext) -> list[Right]:
    return partner.held


def _snapshot(profile: PartnerProfile) -> caching.Snapshot | None:
    return getattr(profile, SNAPSHOT, None)


def latest_documents(partner: PartnerContext, limit: int = 5) -> list[Document]:
    """The newest documents of the libraries the company may open (cached per set of rights)."""
    snapshot = _snapshot(partner.profile)
    version = snapshot.documents_version if snapshot is not None else None
    return caching.latest_documents(partner.rights, limit, version=version)


@dataclass(frozen=True)
class ForumUnread:
    name: str
    url: str
    unread: int


# Written out once rather than composed per request: the home page's costliest query to build.
_UNREAD_SQL = f"""
    SELECT f.name, r.url_name, COUNT(t.id) FILTER (
        WHERE tr.read_at IS NULL OR tr.read_at < t.last_post_at
    )
    FROM {Forum._meta.db_table} f
    JOIN {Right._meta.db_table} r ON r.id = f.right_id
    LEFT JOIN {Topic._meta.db_table} t ON t.forum_id = f.id
    LEFT JOIN {TopicRead._meta.db_table} tr ON tr.topic_id = t.id AND tr.user_id = %s
    WHERE r.code {{codes}}
    GROUP BY f.id, f.name, r.url_name
    ORDER BY f.name, f.id
"""  # noqa: S608  # only table names are formatted in; values are parameters


def unread_topics(partner: PartnerContext) -> list[ForumUnread]:
    """The company's forums, each with how many topics have posts the user has not read."""
    codes = sorted(partner.rights)
    if not codes:
        return []
    params: list[Any]
    if connection.vendor == "postgresql":  # one statement whatever the number of rights
        sql, params = _UNREAD_SQL.replace("{codes}", "= ANY(%s)"), [partner.user.pk, codes]
    else:  # the embedded SQLite has no arrays
        placeholders = ", ".join(["%s"] * len(codes))
        sql = _UNREAD_SQL.replace("{codes}", f"IN ({placeholders})")
        params = [partner.user.pk, *codes]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [ForumUnread(name=name, url=reverse(url_name), unread=n) for name, url_name, n in rows]


def last_level_change(profile: PartnerProfile) -> LevelChange | None:
    """The company's latest level change, for the home page to say when and why."""
    return _standing(profile).last_change


def _standing(profile: PartnerProfile) -> caching.Standing:
    """Read once per request: from the request's snapshot, else the cache, else the database."""
    found: caching.Standing | None = getattr(profile, "_partner_standing", None)
    if found is None:
        snapshot = _snapshot(profile)
        found = caching.standing(
            organisation_id=profile.organisation_id,
            profile_id=profile.pk,
            cached=snapshot.standing if snapshot is not None else None,
        )
        profile._partner_standing = found  # type: ignore[attr-defined]  # per-request, read above
    return found


def navigation(held: Iterable[tuple[str, str]]) -> list[NavItem]:
    """One link per page the company may open, from the (URL name, name) of each right it
    holds (several rights may lead to one page)."""
    items: dict[str, NavItem] = {}
    for url_name, name in held:
        if not url_name or url_name in items:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items[url_name] = NavItem(label=name, url=url)
    return list(items.values())


@dataclass(frozen=True)
class Readiness:
    """Which of the seed's three grounds the company meets for a level that needs them."""

    on_distributor_list: bool
    recommendations: int
    recommendations_needed: int
    distributor_recommended: bool
    pending: LevelApplication | None = None

    @property
    def ready(self) -> bool:
        return (
            self.on_distributor_list
            or self.recommendations >= self.recommendations_needed
            or self.distributor_recommended
        )


def application_readiness(profile: PartnerProfile) -> Readiness:
    """From the flags and the company's pending application (its uploads, its confirmation)."""
    standing = _standing(profile)
    pending = standing.pending
    return Readiness(
        on_distributor_list=profile.on_distributor_list,
        recommendations=standing.uploaded,
        recommendations_needed=RECOMMENDATIONS_NEEDED,
        distributor_recommended=bool(pending and pending.distributor_confirmed_at),
        pending=pending,
    )


def topics_for(*, forum: Forum, user: User, query: str = "") -> QuerySet[Topic]:
    """A forum's topics, newest activity first, each marked unread for `user` or not."""
    read_at = TopicRead.objects.filter(topic=OuterRef("pk"), user=user).values("read_at")[:1]
    topics = (
        Topic.objects.filter(forum=forum)
        .select_related("author", "company")
        .annotate(read_at=Subquery(read_at))
    )
    if query:
        matching = Post.objects.filter(topic=OuterRef("pk"), body__icontains=query)
        topics = topics.filter(Q(title__icontains=query) | Exists(matching))
    return topics
