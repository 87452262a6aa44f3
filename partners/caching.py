"""What the partner pages keep in the shared cache, and the only functions that forget it.

Three kinds of entry, each dropped after the commit of whatever changes it:

- the version of the rights matrix (the levels and which rights each holds;
  each process keeps the matrix of the version it read): changed by staff in
  the admin (levels, rights, grants) and by data migrations;
- the newest documents of a set of rights: a version number that every
  publication, edit or removal of a document moves on;
- a company's standing (its pending application and its latest level change):
  changed only by the services of applications and level changes.

Each is forgotten at once and again after the commit, so that a page read
between the two cannot keep the old value. A TTL bounds the life of every entry
in case a change bypasses all of these; a cache that does not answer only costs
the queries (the database always has the answer).
"""

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .models import Document, Level, LevelApplication, LevelChange, LevelGrant, Right, Topic

TTL = 3600
MATRIX_KEY = "partners:rights-matrix"
DOCUMENTS_VERSION_KEY = "partners:documents-version"
logger = logging.getLogger(__name__)


def _get(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception as exc:  # any failure of the cache: read the database instead
        logger.warning("partners cache get failed: %s", exc)
        return None


def _get_many(keys: list[str]) -> dict[str, Any]:
    try:
        return cache.get_many(keys)
    except Exception as exc:
        logger.warning("partners cache get failed: %s", exc)
        return {}


def _set(key: str, value: object, timeout: int | None = TTL) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception as exc:
        logger.warning("partners cache set failed: %s", exc)


def _now_and_after_commit(forget: Callable[[], None]) -> None:
    def safely() -> None:
        try:
            forget()
        except Exception as exc:  # the TTL ends the entry anyway
            logger.warning("partners cache invalidation failed: %s", exc)

    safely()
    transaction.on_commit(safely)


@dataclass(frozen=True)
class Matrix:
    """The levels (linked to their next and fallback levels) and each level's rights, in order."""

    levels: dict[int, Level]
    rights: dict[int, list[Right]]


# Each process keeps the matrix of the version it last saw: a request reads one small
# number from the cache instead of unpickling every level and right.
_matrix_memo: dict[int, Matrix] = {}


def rights_matrix(version: Any = None) -> Matrix:
    """The levels and their rights, read from the database once per change.

    `version` is the matrix's version when the caller has read it already (`snapshot`).
    """
    if version is None:
        version = _get(MATRIX_KEY)
    if version is not None and (memo := _matrix_memo.get(int(version))) is not None:
        return memo
    matrix = _read_matrix()
    if version is None:
        version = _fresh_version()
        _set(MATRIX_KEY, version, None)
    _matrix_memo.clear()
    _matrix_memo[int(version)] = matrix
    return matrix


def _read_matrix() -> Matrix:
    levels = {level.pk: level for level in Level.objects.all()}
    for level in levels.values():  # linked here, so that no page reads them one by one
        for name in ("builds_on", "next_level", "on_expiry"):
            linked = getattr(level, f"{name}_id")
            setattr(level, name, levels[linked] if linked is not None else None)
    rights: dict[int, list[Right]] = {}
    grants = LevelGrant.objects.select_related("right").order_by("right__position", "right__code")
    for grant in grants:
        rights.setdefault(grant.level_id, []).append(grant.right)
    return Matrix(levels=levels, rights=rights)


def rights_matrix_changed() -> None:
    """Levels, rights or grants changed: every process reads the new matrix after the commit."""

    def bump() -> None:
        _matrix_memo.clear()
        cache.set(MATRIX_KEY, _fresh_version(), None)

    _now_and_after_commit(bump)


def _documents_version() -> int:
    version = _get(DOCUMENTS_VERSION_KEY)
    if version is None:
        # A lost version starts again from a fresh number, never one an old entry used.
        version = _fresh_version()
        _set(DOCUMENTS_VERSION_KEY, version, None)
    return int(version)


def _fresh_version() -> int:
    return time.time_ns()


def documents_changed() -> None:
    """A document was published, edited or removed: the newest-documents lists start over."""

    def bump() -> None:
        try:
            cache.incr(DOCUMENTS_VERSION_KEY)
        except ValueError:  # no version yet: any new one differs from what pages read
            cache.set(DOCUMENTS_VERSION_KEY, _fresh_version(), None)

    _now_and_after_commit(bump)


def latest_documents(codes: Iterable[str], limit: int, *, version: Any = None) -> list[Document]:
    """The newest `limit` documents of the libraries `codes`, shared by companies alike.

    `version` is the documents' version when the caller has read it already (`snapshot`).
    """
    current = int(version) if version is not None else _documents_version()
    return _latest_documents(current, limit, tuple(sorted(codes)))


# Kept per process for the version read: a new version is a new key, and the old ones age out.
@lru_cache(maxsize=256)
def _latest_documents(version: int, limit: int, codes: tuple[str, ...]) -> list[Document]:
    digest = hashlib.sha256(",".join(codes).encode()).hexdigest()[:24]
    key = f"partners:latest-documents:{version}:{limit}:{digest}"
    rows: list[Document] | None = _get(key)
    if rows is None:
        rows = list(
            Document.objects.filter(right__code__in=list(codes))
            .select_related("right")
            .only("pk", "title", "published_at", "right__name")
            .order_by("-published_at", "-pk")[:limit]
        )
        _set(key, rows)
    return rows


# Author and company names shown on a cached page may lag a rename by this much.
TOPIC_PAGE_TTL = 600


def topic_page_html(*, topic: Topic, number: int, render: Callable[[], str]) -> SafeString:
    """A page of a topic's posts as HTML; every new post changes the key (count, time)."""
    stamp = topic.last_post_at.timestamp()
    key = f"partners:topic-page:{topic.pk}:{topic.post_count}:{stamp}:{number}:{get_language()}"
    html: str | None = _get(key)
    if html is None:
        html = render()
        _set(key, str(html), TOPIC_PAGE_TTL)
    return mark_safe(html)  # noqa: S308  # built by partners.templatetags.post_articles


@dataclass(frozen=True)
class Standing:
    """A company's pending application (with its uploads) and its latest level change."""

    pending: LevelApplication | None
    uploaded: int
    last_change: LevelChange | None


def _standing_key(organisation_id: int) -> str:
    return f"partners:standing:{organisation_id}"


def standing(*, organisation_id: int, profile_id: int, cached: Any = None) -> Standing:
    """The company's standing: `cached` when the caller has read it already (`snapshot`)."""
    found: Standing | None = cached if cached is not None else _get(_standing_key(organisation_id))
    if found is None:
        pending = (
            LevelApplication.objects.filter(
                company_id=organisation_id, state=LevelApplication.State.PENDING
            )
            .select_related("level")
            .first()
        )
        found = Standing(
            pending=pending,
            uploaded=pending.recommendations.count() if pending else 0,
            last_change=LevelChange.objects.filter(profile_id=profile_id).first(),
        )
        _set(_standing_key(organisation_id), found)
    return found


@dataclass(frozen=True)
class Snapshot:
    """What a partner page reads from the cache, in one round trip: the rights matrix's
    and the documents' versions, and the company's standing (None when not cached)."""

    matrix: Matrix
    documents_version: Any
    standing: Standing | None


def snapshot(organisation_id: int) -> Snapshot:
    """Read once per request, when the company is known (`partners.rights.profile_of`)."""
    standing_key = _standing_key(organisation_id)
    found = _get_many([MATRIX_KEY, DOCUMENTS_VERSION_KEY, standing_key])
    return Snapshot(
        matrix=rights_matrix(found.get(MATRIX_KEY)),
        documents_version=found.get(DOCUMENTS_VERSION_KEY),
        standing=found.get(standing_key),
    )


def standing_changed(organisation_id: int) -> None:
    """An application or a level change of the company: its home page reads them again."""

    def forget() -> None:
        cache.delete(_standing_key(organisation_id))

    _now_and_after_commit(forget)
