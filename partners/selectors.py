"""Reads of the partner area that pages share."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse

from accounts.models import User

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

RECOMMENDATIONS_NEEDED = 3


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


def rights_held(partner: PartnerContext) -> list[Right]:
    return partner.held


def latest_documents(partner: PartnerContext, limit: int = 5) -> list[Document]:
    """The newest documents of the libraries the company may open."""
    return list(
        Document.objects.filter(right__code__in=partner.rights)
        .select_related("right")
        .defer("file__data")
        .order_by("-published_at", "-pk")[:limit]
    )


def unread_topics(partner: PartnerContext) -> list[Forum]:
    """The company's forums, each with how many topics have posts the user has not read."""
    read_at = TopicRead.objects.filter(topic=OuterRef("pk"), user=partner.user).values("read_at")[
        :1
    ]
    unread = (
        Topic.objects.filter(forum=OuterRef("pk"))
        .annotate(read_at=Subquery(read_at))
        .filter(Q(read_at__isnull=True) | Q(read_at__lt=F("last_post_at")))
        .order_by()
        .values("forum")
        .annotate(n=Count("pk"))
        .values("n")
    )
    forums = Forum.objects.filter(right__code__in=partner.rights).select_related("right")
    return list(forums.annotate(unread=Coalesce(Subquery(unread), 0)).order_by("name"))


def last_level_change(profile: PartnerProfile) -> LevelChange | None:
    """The company's latest level change, for the home page to say when and why."""
    return LevelChange.objects.filter(profile=profile).first()


def navigation(partner: PartnerContext) -> list[NavItem]:
    """One link per page the company may open (several rights may lead to one page)."""
    items: dict[str, NavItem] = {}
    for right in rights_held(partner):
        if not right.url_name or right.url_name in items:
            continue
        try:
            url = reverse(right.url_name)
        except NoReverseMatch:
            continue
        items[right.url_name] = NavItem(label=right.name, url=url)
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
    pending = (
        LevelApplication.objects.filter(
            company_id=profile.organisation_id, state=LevelApplication.State.PENDING
        )
        .annotate(uploaded=Count("recommendations"))
        .first()
    )
    return Readiness(
        on_distributor_list=profile.on_distributor_list,
        recommendations=pending.uploaded if pending else 0,  # type: ignore[attr-defined]  # annotated count
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
