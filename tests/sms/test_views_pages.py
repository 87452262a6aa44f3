"""Every page of the module: the happy path, another agency's row (404), the wrong method."""

from decimal import Decimal

import pytest

from notifications.sms.models import Message, StatusRefresh, Template

from .conftest import add_person, add_vehicle, credit, soon


@pytest.fixture
def foreign(other_agency):  # type: ignore[no-untyped-def]
    person = add_person(other_agency, "Obcy", "Klient", phone="+48600999999")
    template = Template.objects.create(agency=other_agency, kind="free", name="Obcy", text="x")
    message = Message.objects.create(
        agency=other_agency,
        kind="free",
        recipient="+48600999999",
        sender="x",
        text="x",
        parts=1,
        cost=Decimal("0.29"),
        queued_at=person.created_at,
        gateway_id="g-obcy",
    )
    refresh = StatusRefresh.objects.create(agency=other_agency, message_ids=[message.pk], total=1)
    return {"person": person, "template": template, "message": message, "refresh": refresh}


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/sms/wzory/{}/", "template"),
        ("/sms/wzory/{}/podglad/", "template"),
        ("/sms/ubezpieczeni/{}/", "person"),
        ("/sms/wiadomosci/{}/", "message"),
        ("/sms/odswiezanie/{}/", "refresh"),
    ],
)
def test_another_agencys_rows_answer_404(alice_client, foreign, url, kind) -> None:
    assert alice_client.get(url.format(foreign[kind].pk)).status_code == 404


@pytest.mark.parametrize(
    ("url", "kind", "data"),
    [
        ("/sms/wzory/{}/usun/", "template", {}),
        ("/sms/wzory/{}/", "template", {"kind": "free", "name": "Przejety", "text": "Czesc"}),
        (
            "/sms/ubezpieczeni/{}/",
            "person",
            {"p-first_name": "Przejety", "p-last_name": "Klient", "p-phone": "600100200"},
        ),
        (
            "/sms/ubezpieczeni/{}/raty/",
            "person",
            {"rat-due_date": "2027-01-15", "rat-amount": "10"},
        ),
        (
            "/sms/ubezpieczeni/{}/polisa/",
            "person",
            {"pol-number": "X", "pol-end_date": "2027-01-01"},
        ),
        ("/sms/ubezpieczeni/{}/pojazd/", "person", {"veh-registration": "WA 1"}),
        ("/sms/ubezpieczeni/{}/rezygnacja/", "person", {}),
    ],
)
def test_another_agencys_rows_answer_404_to_posts(alice_client, foreign, url, kind, data) -> None:
    assert alice_client.post(url.format(foreign[kind].pk), data).status_code == 404
    foreign[kind].refresh_from_db()  # still there, unchanged
    assert "Przejety" not in str(foreign[kind])


def test_a_foreign_template_cannot_be_sent_nor_messages_refreshed(alice_client, foreign) -> None:
    response = alice_client.post(
        "/sms/wyslij/podglad/", {"template": foreign["template"].pk, "mode": "matching"}
    )
    assert response.status_code == 404
    response = alice_client.post("/sms/wiadomosci/odswiez/", {"message": foreign["message"].pk})
    assert response.status_code == 302
    assert StatusRefresh.objects.count() == 1  # only the other agency's own


@pytest.mark.parametrize(
    "url",
    [
        "/sms/",
        "/sms/konfiguracja/",
        "/sms/wzory/",
        "/sms/wzory/nowy/",
        "/sms/ubezpieczeni/",
        "/sms/ubezpieczeni/nowy/",
        "/sms/ubezpieczeni/import/",
        "/sms/wyslij/",
        "/sms/wiadomosci/",
        "/sms/wiadomosci/eksport.csv",
        "/sms/konto/",
        "/sms/przypomnienia/",
    ],
)
def test_every_page_opens(alice_client, url) -> None:
    assert alice_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/sms/wzory/1/usun/",
        "/sms/wiadomosci/odswiez/",
        "/sms/konto/doladuj/",
        "/sms/wyslij/podglad/",
        "/sms/wyslij/potwierdz/",
    ],
)
def test_posts_only(alice_client, url) -> None:
    assert alice_client.get(url).status_code == 405


def test_bob_shares_alices_agency(alice_client, agency, bob) -> None:
    from django.test import Client

    Template.objects.create(agency=agency, kind="free", name="Wspólny", text="Czesc {imie}")
    client = Client()
    client.force_login(bob)
    assert "Wspólny" in client.get("/sms/wzory/").content.decode()


def test_sending_from_the_pages_debits_and_shows_statuses(
    alice_client, agency, inspection_template, sms_gateway
) -> None:
    people = [add_person(agency, "Anna", f"Nowak{i}", phone=f"+4860010030{i}") for i in range(3)]
    for index, person in enumerate(people):
        add_vehicle(person, f"WA {index}", soon(7))
    credit(agency, "2.00")
    data = {"template": inspection_template.pk, "mode": "persons", "person": [p.pk for p in people]}
    preview = alice_client.post("/sms/wyslij/podglad/", data)
    page = preview.content.decode()
    assert "0,87\u00a0zł" in page
    assert "Dzien dobry Anna" in page
    assert 'name="cost" value="0.87"' in page
    response = alice_client.post("/sms/wyslij/potwierdz/", {**data, "cost": "0.87"})
    assert response.status_code == 302
    assert Message.objects.filter(agency=agency).count() == 3
    listing = alice_client.get("/sms/wiadomosci/").content.decode()
    assert listing.count('data-status="sent"') == 3 or listing.count('data-status="queued"') == 3
    account = alice_client.get("/sms/konto/").content.decode()
    assert "1,13\u00a0zł" in account


def test_a_send_beyond_the_balance_shows_the_amount_missing(
    alice_client, agency, inspection_template
) -> None:
    person = add_person(agency)
    add_vehicle(person, "WA 1", soon(7))
    data = {"template": inspection_template.pk, "mode": "matching"}
    page = alice_client.post("/sms/wyslij/podglad/", data).content.decode()
    assert "brakuje 0,29\u00a0zł" in page
    response = alice_client.post("/sms/wyslij/potwierdz/", {**data, "cost": "0.29"})
    assert "Brakuje 0,29 zł" in response.content.decode()
    assert not Message.objects.exists()
