"""What base.html puts around every page: the account links and the language form."""

import re

import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def _header(html: str) -> str:
    return html.split('<nav aria-label="Nawigacja główna" class="site-nav">')[1].split("</nav>")[0]


def test_an_anonymous_visitor_gets_no_account_links_but_the_language_form(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get(reverse("home") + "?a=<b>").content.decode()
    assert "Wyloguj" not in _header(html)
    form = html.split('class="language-form">')[1].split("</form>")[0]
    assert re.search(r'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"', form)
    assert '<input name="next" type="hidden" value="/?a=%3Cb%3E">' in form
    assert '<option value="pl" selected>polski</option>' in form
    assert '<option value="en">angielski</option>' in form


def test_a_user_sees_the_organisations_and_logs_out_under_an_escaped_name(client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(User.objects.create(username="ola<b>"))
    header = _header(client.get(reverse("home")).content.decode())
    assert f'href="{reverse("organisations:list")}">Organizacje</a>' in header
    assert f'action="{reverse("accounts:logout")}"' in header
    assert "Wyloguj (ola&lt;b&gt;)</button>" in header
    assert "Administracja" not in header and "Skrzynka wysyłki" not in header


def test_staff_also_see_the_outbox_and_the_admin(client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(User.objects.create(username="ewa", is_staff=True))
    header = _header(client.get(reverse("home")).content.decode())
    assert f'<a href="{reverse("notifications:outbox")}">Skrzynka wysyłki</a>' in header
    assert f'<a href="{reverse("admin:index")}">Administracja</a>' in header
    assert "Wyloguj (ewa)</button>" in header


def test_the_links_speak_the_page_s_language(client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(User.objects.create(username="jan"))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert "Log out (jan)</button>" in _header(html.replace("Main navigation", "Nawigacja główna"))
    assert '<option value="en" selected>English</option>' in html
