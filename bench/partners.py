"""Partner home (50 rights, 1,000 documents, 10,000 forum posts) and a 500-post forum topic.

    .venv/bin/python bench/partners.py [--duration 3] [--connections 20] [--rounds 5] [--keep-db]

Target (2 cores): both pages reach at least 0.1 of the reference's requests per
second. Figures go into bench/README.md.
"""

import sys
from pathlib import Path

if __package__ in {None, ""}:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Target, session_cookie  # noqa: E402
from bench.run import arguments, report_pages  # noqa: E402

HOME = "/partner/"
RIGHTS = 50
DOCUMENTS = 1_000
LONG_TOPIC = 500
SHORT_TOPICS = 190
POSTS_PER_TOPIC = 50  # 500 + 190 × 50 = 10,000 posts in all
# The long topic is created first on the fresh database, so its id is 1.
TOPIC = "/partner/forum/watek/1/?strona=13"


def seed() -> None:
    """A level-2 company and its user; rights, documents and posts at the issue's volumes."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Membership, Organisation, User
    from accounts.roles import Role
    from partners import caching
    from partners.models import (
        Document,
        Forum,
        Level,
        LevelGrant,
        PartnerProfile,
        Post,
        Right,
        StoredFile,
        Topic,
    )

    user, _ = User.objects.get_or_create(username="partner", defaults={"email": "p@example.com"})
    user.groups.add(Group.objects.get(name=Role.PARTNER))
    company, _ = Organisation.objects.get_or_create(
        kind=Organisation.Kind.PARTNER,
        name="Bench Partner sp. z o.o.",
        defaults={"nip": "5260250274", "address": "ul. Polna 1, 00-001 Warszawa"},
    )
    Membership.objects.get_or_create(organisation=company, user=user)
    PartnerProfile.objects.get_or_create(
        organisation=company, defaults={"level": Level.objects.get(number=2)}
    )
    if Post.objects.count() >= LONG_TOPIC + SHORT_TOPICS * POSTS_PER_TOPIC:
        return
    extra = Right.objects.bulk_create(
        Right(code=f"bench_{i}", name=f"Uprawnienie {i}", position=100 + i)
        for i in range(RIGHTS - Right.objects.count())
    )
    LevelGrant.objects.bulk_create(LevelGrant(level_id=2, right=r, note="bench") for r in extra)
    rights = list(Right.objects.all())
    stored = StoredFile.objects.create(
        name="dokument.pdf", content_type="application/pdf", size=4, data=b"%PDF"
    )
    Document.objects.bulk_create(
        Document(right=rights[i % len(rights)], title=f"Dokument {i}", file=stored)
        for i in range(DOCUMENTS)
    )
    forum = Forum.objects.get(slug="dystrybutorzy")
    now = timezone.now()
    sizes = [LONG_TOPIC] + [POSTS_PER_TOPIC] * SHORT_TOPICS
    topics = Topic.objects.bulk_create(
        Topic(
            forum=forum,
            title=f"Wątek {t}",
            author=user,
            company=company,
            last_post_at=now,
            post_count=size,
        )
        for t, size in enumerate(sizes)
    )
    if topics[0].pk != 1:
        raise RuntimeError("The long topic must be topic 1: run without --keep-db.")
    Post.objects.bulk_create(
        (
            Post(
                topic=topic,
                author=user,
                company=company,
                body=f"Wpis {i} z **Markdown**",
                body_html=f"<p>Wpis {i} z <strong>Markdown</strong></p>",
            )
            for topic, size in zip(topics, sizes, strict=True)
            for i in range(size)
        ),
        batch_size=2000,
    )
    # Written in bulk, past the admin: drop what the pages may have cached of the old data.
    caching.rights_matrix_changed()
    caching.documents_changed()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> int:
    options = arguments(__doc__.splitlines()[0]).parse_args()
    cookie = lambda: session_cookie("partner")  # noqa: E731
    return report_pages(
        {
            "partner home (50 rights, 1,000 documents, 10,000 posts)": Target(HOME, cookie=cookie),
            "forum topic, 500 posts, page 13": Target(TOPIC, cookie=cookie),
        },
        options,
        "partners",
        seed=seed,
    )


if __name__ == "__main__":
    sys.exit(main())
