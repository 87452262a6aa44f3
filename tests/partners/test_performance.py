"""The home page and a long forum topic run a fixed number of queries, whatever the volume."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners import caching
from partners.models import Document, Forum, LevelGrant, Post, Right, StoredFile, Topic

HOME = reverse("partners:home")


def _queries(client, url: str, **params: object) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


def _rights_up_to(total: int, level: int) -> list[Right]:
    extra = [
        Right(code=f"extra_{i}", name=f"Dodatkowe uprawnienie {i}", position=100 + i)
        for i in range(total - Right.objects.count())
    ]
    Right.objects.bulk_create(extra)
    LevelGrant.objects.bulk_create(LevelGrant(level_id=level, right=r, note="test") for r in extra)
    return list(Right.objects.all())


def _documents(rights: list[Right], count: int) -> None:
    stored = StoredFile.objects.create(
        name="a.pdf", content_type="application/pdf", size=1, data=b"x"
    )
    Document.objects.bulk_create(
        Document(right=rights[i % len(rights)], title=f"Dokument {i}", file=stored)
        for i in range(count)
    )


def _posts(user, company, forum: Forum, topics: int, per_topic: int) -> list[Topic]:
    now = timezone.now()
    made = Topic.objects.bulk_create(
        Topic(
            forum=forum,
            title=f"Wątek {t}",
            author=user,
            company=company,
            last_post_at=now,
            post_count=per_topic,
        )
        for t in range(topics)
    )
    Post.objects.bulk_create(
        (
            Post(
                topic=topic, author=user, company=company, body=f"Wpis {i}", body_html=f"<p>{i}</p>"
            )
            for topic in made
            for i in range(per_topic)
        ),
        batch_size=2000,
    )
    return made


def test_it_keeps_the_home_page_at_a_constant_number_of_queries(alice, charlie, client):
    client.force_login(alice)
    client.get(HOME)
    empty = _queries(client, HOME)
    rights = _rights_up_to(50, level=2)
    assert Right.objects.count() == 50
    _documents(rights, 1000)
    forum = Forum.objects.get(slug="dystrybutorzy")
    _posts(charlie, charlie.organisations.get(), forum, topics=200, per_topic=50)
    assert Post.objects.count() == 10_000
    caching.rights_matrix_changed()  # what the admin does after it saves rights and documents
    caching.documents_changed()
    cold = _queries(client, HOME)  # fills the cache entries the admin's changes dropped
    full = _queries(client, HOME)
    assert full == empty
    assert full <= 3  # user, profile, unread topics: the rest comes from the cache
    assert cold <= full + 3  # levels and grants (the matrix) and the newest documents, once
    page = client.get(HOME).text
    assert "200 wątków z nowymi wpisami" in page and "Dokument 999" in page


def test_it_pages_a_500_post_topic_at_a_constant_number_of_queries(alice, client):
    forum = Forum.objects.get(slug="dystrybutorzy")
    company = alice.organisations.get()
    small, big = _posts(alice, company, forum, topics=1, per_topic=5) + _posts(
        alice, company, forum, topics=1, per_topic=500
    )
    client.force_login(alice)
    small_url, big_url = (reverse("partners:topic", args=[t.pk]) for t in (small, big))
    client.get(small_url)
    client.get(big_url)  # read once: later views write nothing
    cold = _queries(client, big_url, strona=25)  # a page nobody has opened since the last post
    baseline = _queries(client, small_url)
    first = _queries(client, big_url)
    last = _queries(client, big_url, strona=25)
    assert baseline == first == last
    assert first <= 3  # user, profile, topic: the page of posts comes from the cache
    assert cold == last + 1  # the page of posts, once
    page = client.get(reverse("partners:topic", args=[big.pk]), {"strona": 25}).text
    assert "Strona 25 z 25" in page and page.count('class="card post"') == 20
