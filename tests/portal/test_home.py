import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_it_routes_each_audience_to_its_entrance(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="pl">' in html
    for name in ("offers:login", "offers:client-access", "subscribers:login", "partners:login"):
        assert f'href="{reverse(name)}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("offers:login", "Logowanie agenta"),
        ("offers:client-access", "Wejście do oferty"),
        ("subscribers:login", "Logowanie abonenta"),
        ("partners:login", "Logowanie partnera"),
    ],
)
def test_each_entrance_has_its_heading(client, name, heading):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()


@pytest.mark.django_db
def test_it_speaks_english_as_the_second_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html
    assert "Agent login" in html


@pytest.mark.django_db
def test_it_loads_no_asset_from_another_host(client):
    html = client.get(reverse("home")).content.decode()
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html
    assert "//cdn" not in html


def test_home_refuses_post(client):
    assert client.post(reverse("home")).status_code == 405
