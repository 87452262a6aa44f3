from django.urls import reverse

from .conftest import PESEL, make_offer

URL = reverse("offers:list-csv")


def test_it_exports_my_filtered_offers(alice, bob, alice_client):
    anna = make_offer(alice, holder_name="Anna Kowalska")
    make_offer(alice, holder_name="Jan Nowak")
    theirs = make_offer(bob)
    response = alice_client.get(URL, {"q": "kowalska"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("Numer;Produkt")
    assert len(lines) == 2
    assert anna.display_number in lines[1]
    assert "406,00" in lines[1]
    assert PESEL not in body
    assert theirs.display_number not in body


def test_it_refuses_post(alice_client):
    assert alice_client.post(URL).status_code == 405


def test_it_needs_an_agent(client):
    assert client.get(URL).status_code == 302


def test_it_neutralises_a_client_name_a_spreadsheet_would_run(alice, alice_client):
    make_offer(alice, holder_name='=HYPERLINK("http://zly.example","Kliknij")')
    make_offer(alice, holder_name="@SUMA(A1)")
    response = alice_client.get(URL)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    cells = [line.split(";")[4] for line in body.strip().splitlines()[1:]]
    assert sorted(cells) == sorted(
        ['"\'=HYPERLINK(""http://zly.example"",""Kliknij"")"', "'@SUMA(A1)"]
    )
