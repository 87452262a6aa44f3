import pytest

from notifications.sms import gsm7, services
from notifications.sms.fields import sample_text
from notifications.sms.models import Agency, RefusedSenderName, Template


def test_it_saves_a_template_with_fields(alice_client, agency) -> None:
    response = alice_client.post(
        "/sms/wzory/nowy/",
        {"kind": "inspection", "name": "Badanie", "text": "Czesc {imie}, badanie {data_badania}"},
    )
    assert response.status_code == 302
    template = Template.objects.get(agency=agency)
    assert template.text == "Czesc {imie}, badanie {data_badania}"


def test_it_refuses_polish_letters_with_their_fix_and_keeps_the_text(alice_client, agency) -> None:
    response = alice_client.post(
        "/sms/wzory/nowy/", {"kind": "free", "name": "Życzenia", "text": "Wszystkiego dobrego ą"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "nie wolno używać polskich znaków" in page
    assert "„ą” → „a”" in page
    assert 'data-char="ą" data-replacement="a"' in page
    assert "Wszystkiego dobrego ą" in page
    assert not Template.objects.exists()


def test_it_refuses_unknown_fields(alice_client) -> None:
    response = alice_client.post(
        "/sms/wzory/nowy/", {"kind": "free", "name": "X", "text": "Czesc {pesel}"}
    )
    assert "Nieznane pola: pesel" in response.content.decode()


def test_the_editor_shows_the_servers_count(alice_client, agency) -> None:
    text = "Polisa {numer_polisy} konczy sie {koniec_polisy} [pilne] " * 3
    template = Template.objects.create(agency=agency, kind="policy_end", name="x", text=text)
    page = alice_client.get(f"/sms/wzory/{template.pk}/").content.decode()
    filled = sample_text(text)
    assert f'data-chars="{gsm7.length(filled)}" data-parts="{gsm7.parts(filled)}"' in page


@pytest.mark.parametrize(
    ("name", "refused"),
    [
        ("PKO BP", True),
        ("pk0 bp", True),
        ("P.Z.U", True),
        ("InP0st24", True),
        ("Allianz", True),
        ("Agencja Kot", False),
        ("WINGS", False),
        ("Ing", True),
    ],
)
def test_names_imitating_others_are_refused_with_the_reason(agency, name, refused) -> None:
    if refused:
        with pytest.raises(services.SmsError) as error:
            services.sender_name_choose(agency=agency, name=name)
        assert "podszywa się" in error.value.message
    else:
        assert services.sender_name_choose(agency=agency, name=name).sender_state == "pending"


def test_staff_edit_the_list_of_refused_names(agency) -> None:
    RefusedSenderName.objects.create(name="Agencja Kot", reason="zastrzeżona przez właściciela")
    with pytest.raises(services.SmsError, match="zastrzeżona"):
        services.sender_name_choose(agency=agency, name="AGENCJA  KOT")


def test_an_own_name_goes_out_only_once_authorised(alice_client, agency) -> None:
    response = alice_client.post(
        "/sms/konfiguracja/", {"sender": "1", "own": "Agencja Kot", "preset": "", "agent_phone": ""}
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.sender_state == Agency.SenderState.PENDING
    assert agency.effective_sender == "Bramka SMS"
    page = alice_client.get("/sms/konfiguracja/").content.decode()
    assert "oczekuje na autoryzację" in page
    assert "Autoryzacja własnej nazwy nadawcy" in page
    services.sender_name_decide(agency=agency, authorise=True)
    agency.refresh_from_db()
    assert agency.effective_sender == "Agencja Kot"


def test_a_listed_name_is_used_at_once(alice_client, agency, settings) -> None:
    alice_client.post(
        "/sms/konfiguracja/", {"sender": "1", "preset": "Polisa", "own": "", "agent_phone": ""}
    )
    agency.refresh_from_db()
    assert agency.effective_sender == "Polisa"


@pytest.mark.parametrize("name", ["Zażółć", "123456", "Nazwa za dluga", "a_b"])
def test_sender_names_follow_the_operators_rules(alice_client, agency, name) -> None:
    response = alice_client.post(
        "/sms/konfiguracja/", {"sender": "1", "own": name, "preset": "", "agent_phone": ""}
    )
    assert response.status_code == 200
    agency.refresh_from_db()
    assert agency.sender_state == "none"


def test_staff_authorise_in_the_admin(staff_client, agency) -> None:
    services.sender_name_choose(agency=agency, name="Agencja Kot")
    client = staff_client
    page = client.get(f"/admin/sms/agency/{agency.pk}/change/").content.decode()
    assert "Agencja przesyła dokument" in page
    client.post(
        "/admin/sms/agency/",
        {"action": "authorise_sender", "_selected_action": [agency.pk]},
    )
    agency.refresh_from_db()
    assert agency.sender_state == "authorised"


def _represent(agency: Agency, *insurers: str) -> None:
    agency.own_insurers.set(RefusedSenderName.objects.filter(name__in=insurers))


@pytest.mark.parametrize("name", ["Warta Kowal", "WARTA  kow", "W.A.R.T.A", "L1nk4 Agent"])
def test_an_insurers_name_is_refused_except_for_its_own_agency(agency, other_agency, name) -> None:
    _represent(other_agency, "Warta", "Link4")
    with pytest.raises(services.SmsError, match="zakład ubezpieczeń"):
        services.sender_name_choose(agency=agency, name=name)
    chosen = services.sender_name_choose(agency=other_agency, name=name)
    assert chosen.sender_state == Agency.SenderState.PENDING
    assert chosen.effective_sender == "Bramka SMS"


def test_representing_one_insurer_does_not_free_the_others(other_agency) -> None:
    _represent(other_agency, "Warta")
    with pytest.raises(services.SmsError, match="zakład ubezpieczeń"):
        services.sender_name_choose(agency=other_agency, name="Warta UNIQA")
    with pytest.raises(services.SmsError, match="bank"):
        services.sender_name_choose(agency=other_agency, name="Warta mBank")


def test_an_insurers_short_name_inside_its_full_name_is_its_own(other_agency) -> None:
    _represent(other_agency, "Ergo Hestia")
    assert services.sender_name_choose(agency=other_agency, name="Hestia Kot").sender_state == (
        "pending"
    )


def test_only_insurers_can_be_an_agencys_own(other_agency) -> None:
    other_agency.own_insurers.add(RefusedSenderName.objects.get(name="mBank"))
    with pytest.raises(services.SmsError, match="bank"):
        services.sender_name_choose(agency=other_agency, name="mBank Kot")


def test_the_listed_names_carry_their_kind(db) -> None:
    assert RefusedSenderName.objects.get(name="Warta").category == "insurer"
    assert RefusedSenderName.objects.get(name="ZUS").category == "public"
    assert RefusedSenderName.objects.get(name="DHL").category == "courier"


def test_staff_set_the_agencys_insurers_and_the_page_shows_them(
    staff_client, alice_client, agency
) -> None:
    warta = RefusedSenderName.objects.get(name="Warta")
    page = staff_client.get(f"/admin/sms/agency/{agency.pk}/change/").content.decode()
    assert 'name="own_insurers"' in page
    assert f'<option value="{RefusedSenderName.objects.get(name="ING").pk}"' not in page
    response = staff_client.post(
        f"/admin/sms/agency/{agency.pk}/change/",
        {
            "own_insurers": [warta.pk],
            "agent_phone": "",
            "reminder_hour": 9,
            "window_start": 8,
            "window_end": 20,
            "correction_amount": "",
            "correction_reason": "",
            "grant_user": "",
        },
    )
    assert response.status_code == 302
    assert list(agency.own_insurers.all()) == [warta]
    page = alice_client.get("/sms/konfiguracja/").content.decode()
    assert "Ubezpieczyciele, których agencja reprezentuje" in page
    assert "Warta" in page
    response = alice_client.post(
        "/sms/konfiguracja/", {"sender": "1", "own": "Warta Kot", "preset": "", "agent_phone": ""}
    )
    assert response.status_code == 302
