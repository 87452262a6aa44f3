"""Forums: topics, posts, replies, Markdown made safe, search, unread marks, paging."""

from datetime import date
from html.parser import HTMLParser

from django.urls import reverse

from partners import services
from partners.models import Forum, Post, Topic

from .conftest import level_client

FORUM = reverse("partners:distributor-forum")


def _topic(user, title="Instalacja w sieci", body="Jak zainstalować?", slug="dystrybutorzy"):
    return services.topic_create(
        forum=Forum.objects.get(slug=slug),
        author=user,
        company=user.organisations.get(),
        title=title,
        body=body,
    )


def test_it_creates_a_topic_and_replies(alice, client):
    client.force_login(alice)
    response = client.post(FORUM, {"title": "Problem z bazą", "body": "Baza **nie** startuje"})
    topic = Topic.objects.get()
    assert response["Location"] == reverse("partners:topic", args=[topic.pk])
    first = topic.posts.get()
    url = reverse("partners:topic", args=[topic.pk])
    client.post(url, {"body": "Pomogło ponowne uruchomienie", "reply_to": first.pk})
    page = client.get(url).text
    assert "<strong>nie</strong>" in page
    assert "w odpowiedzi na" in page and "Pomogło ponowne uruchomienie" in page
    topic.refresh_from_db()
    assert topic.post_count == 2


def test_it_keeps_what_was_typed_when_the_title_is_missing(alice, client):
    client.force_login(alice)
    response = client.post(FORUM, {"title": "", "body": "Moja długa treść"})
    assert response.status_code == 200
    assert "Moja długa treść" in response.text
    assert not Topic.objects.exists()


def test_it_sanitises_markdown(alice, client):
    topic = _topic(alice, body='<script>alert(1)</script> <img src=x onerror="alert(1)">')
    client.force_login(alice)
    page = client.get(reverse("partners:topic", args=[topic.pk])).text
    prose = page.split('class="prose"')[1].split("</div>")[0]
    assert "<script" not in prose and "<img" not in prose
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in prose


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Collect().feed(html)
    return found


def test_it_stores_only_sanitised_html_when_a_post_is_written(alice):
    body = (
        '<script>alert(1)</script>\n\n<a href="javascript:alert(1)" onclick="x()">a</a>\n\n'
        "[link](javascript:alert(2)) [ok](https://example.com) **gruby**"
    )
    post = _topic(alice, body=body).posts.get()
    stored = Post.objects.values_list("body_html", flat=True).get(pk=post.pk)
    tags = _tags(stored)
    assert {name for name, _ in tags} <= {"p", "a", "strong"}
    attributes = [(key, value or "") for _, attrs in tags for key, value in attrs]
    assert not [key for key, _ in attributes if key.startswith("on")]
    assert not [value for _, value in attributes if "javascript" in value]
    assert '<a href="https://example.com" rel="nofollow noopener noreferrer">ok</a>' in stored
    assert "<strong>gruby</strong>" in stored
    assert Post.objects.get(pk=post.pk).body == body  # the source is kept as typed


def test_it_shows_the_stored_html_with_author_company_and_local_time(alice, client):
    topic = _topic(alice, body="Treść")
    Post.objects.filter(topic=topic).update(
        body_html="<p>Zapisany HTML</p>", created_at="2027-03-28T01:30:00Z"
    )
    client.force_login(alice)
    page = client.get(reverse("partners:topic", args=[topic.pk])).text
    assert "<p>Zapisany HTML</p>" in page  # pages output the column, they never render Markdown
    assert "<strong>Alicja Nowak</strong> (Alfa Serwis sp. z o.o.), 28.03.2027 03:30" in page


def test_it_refuses_a_reply_to_a_post_of_another_topic(alice, client):
    one = _topic(alice)
    other = _topic(alice, title="Inny")
    client.force_login(alice)
    response = client.post(
        reverse("partners:topic", args=[one.pk]),
        {"body": "x", "reply_to": other.posts.get().pk},
    )
    assert response.status_code == 404


def test_it_marks_topics_with_new_posts_unread(alice, charlie, client):
    topic = _topic(alice)
    client.force_login(alice)
    assert "nowe</strong>" not in client.get(FORUM).text
    services.post_create(
        topic=topic, author=charlie, company=charlie.organisations.get(), body="Ja"
    )
    assert "nowe</strong>" in client.get(FORUM).text
    client.get(reverse("partners:topic", args=[topic.pk]))
    assert "nowe</strong>" not in client.get(FORUM).text


def test_it_searches_titles_and_posts(alice, client):
    _topic(alice, title="Drukarka fiskalna", body="Posnet")
    _topic(alice, title="Inny wątek", body="Kolejka wydruków JPK_V7")
    client.force_login(alice)
    found = client.get(FORUM, {"q": "jpk_v7"}).text
    assert "Inny wątek" in found and "Drukarka fiskalna" not in found


def test_it_pages_a_long_topic_in_constant_queries(
    alice, charlie, client, django_assert_max_num_queries
):
    topic = _topic(alice)
    company = charlie.organisations.get()
    for i in range(44):
        services.post_create(topic=topic, author=charlie, company=company, body=f"Wpis {i}")
    client.force_login(alice)
    url = reverse("partners:topic", args=[topic.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        page = client.get(url, {"strona": 3}).text
    assert "Strona 3 z 3" in page and "Wpis 43" in page and "Wpis 10" not in page
    with django_assert_max_num_queries(14):
        client.get(url, {"strona": 1})


def test_it_lists_forum_topics_in_constant_queries(alice, client, django_assert_max_num_queries):
    for i in range(30):
        _topic(alice, title=f"Wątek {i}")
    client.force_login(alice)
    client.get(FORUM)
    with django_assert_max_num_queries(12):
        assert "Wątek 29" in client.get(FORUM).text


def test_it_keeps_the_api_forum_for_level_5(alice, client):
    five, user5 = level_client("piotr", 5)
    topic = _topic(user5, title="Webhooki", slug="api")
    api_forum = reverse("partners:api-forum")
    assert "Webhooki" in five.get(api_forum).text
    client.force_login(alice)
    assert client.get(api_forum).status_code == 403
    response = client.get(reverse("partners:topic", args=[topic.pk]))
    assert response.status_code == 403 and "Forum dla API" in response.text
    four, _ = level_client("czwarty", 4, technician_until=date(2099, 1, 1))
    assert four.get(api_forum).status_code == 403
    assert not Post.objects.filter(topic__forum__slug="dystrybutorzy").exists()


def test_it_keeps_level_1_out_of_the_distributors_forum(db):
    one, _ = level_client("jeden", 1)
    response = one.get(FORUM)
    assert response.status_code == 403 and "Daje je poziom: 2, 3, 4, 5" in response.text


def test_it_refuses_put(alice, client):
    client.force_login(alice)
    assert client.put(FORUM).status_code == 405
