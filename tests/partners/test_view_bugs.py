"""The bug and suggestion database: report, search, comment, vote; staff set the status."""

from django.core import mail
from django.urls import reverse

from partners import services
from partners.models import Bug

from .conftest import level_client

BUGS = reverse("partners:bugs")


def _bug(user, program, title="Błąd wydruku", version="2.0"):
    return services.bug_report(
        reporter=user,
        company=user.organisations.get(),
        kind="bug",
        program=program,
        version=version,
        title=title,
        description="Wydruk faktury ucina stopkę",
    )


def test_it_records_a_report_with_program_and_version(alice, client, program):
    client.force_login(alice)
    data = {
        "kind": "suggestion",
        "program": program.pk,
        "version": "3.1",
        "title": "Eksport do XLSX",
        "description": "Prosimy",
    }
    response = client.post(BUGS, data)
    bug = Bug.objects.get()
    assert response["Location"] == reverse("partners:bug", args=[bug.pk])
    assert (bug.kind, bug.version, bug.status) == ("suggestion", "3.1", "new")


def test_it_searches_and_filters(alice, client, program):
    _bug(alice, program, "Błąd wydruku")
    fixed = _bug(alice, program, "Zawieszenie przy imporcie")
    Bug.objects.filter(pk=fixed.pk).update(status="fixed")
    client.force_login(alice)
    page = client.get(BUGS, {"q": "zawieszenie"}).text
    assert "Zawieszenie przy imporcie" in page and "Błąd wydruku" not in page
    page = client.get(BUGS, {"status": "new"}).text
    assert "Błąd wydruku" in page and "Zawieszenie" not in page


def test_it_takes_comments_and_one_vote_per_user(alice, bob, client, program):
    bug = _bug(alice, program)
    client.force_login(bob)
    url = reverse("partners:bug", args=[bug.pk])
    client.post(url, {"body": "U nas też"})
    client.post(reverse("partners:bug-vote", args=[bug.pk]))
    client.post(reverse("partners:bug-vote", args=[bug.pk]))
    bug.refresh_from_db()
    assert bug.votes == 1
    assert "U nas też" in client.get(url).text


def test_it_tells_the_reporter_when_staff_change_the_status(
    alice, staff_client, program, django_capture_on_commit_callbacks
):
    bug = _bug(alice, program)
    url = reverse("admin:partners_bug_change", args=[bug.pk])
    data = {
        "kind": "bug",
        "program": program.pk,
        "version": "2.0",
        "title": bug.title,
        "description": bug.description,
        "status": "confirmed",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, data)
    assert response.status_code == 302
    bug.refresh_from_db()
    assert bug.status == "confirmed"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.com"]
    assert "potwierdzony" in mail.outbox[0].subject


def test_it_keeps_level_1_out(db, program):
    one, _ = level_client("jeden", 1)
    assert one.get(BUGS).status_code == 403


def test_it_lists_bugs_in_constant_queries(alice, client, program, django_assert_max_num_queries):
    for i in range(30):
        _bug(alice, program, f"Błąd {i}")
    client.force_login(alice)
    client.get(BUGS)
    with django_assert_max_num_queries(12):
        assert "Błąd 29" in client.get(BUGS).text


def test_it_refuses_get_on_the_vote(alice, client, program):
    bug = _bug(alice, program)
    client.force_login(alice)
    assert client.get(reverse("partners:bug-vote", args=[bug.pk])).status_code == 405
