from decimal import Decimal

from django.core.management import call_command
from django.test import Client

from notifications.sms import demo, services
from notifications.sms.models import Agency, Message


def test_the_demo_agency_has_everything_the_readme_promises(db, capsys) -> None:
    call_command("demo_data")
    assert f"{demo.LOGIN} / {demo.PASSWORD}" in capsys.readouterr().out
    agency = Agency.objects.get(registration_code=demo.CODE)
    assert services.agency_balance(agency) > Decimal("100")
    assert agency.templates.count() == 3
    assert agency.persons.count() == 50
    assert agency.policies.count() == 50 and agency.vehicles.count() == 50
    statuses = set(Message.objects.filter(agency=agency).values_list("status", flat=True))
    assert statuses == set(Message.Status.values)
    client = Client()
    response = client.post("/sms/logowanie/", {"username": demo.LOGIN, "password": demo.PASSWORD})
    assert response.status_code == 302
    assert client.get("/sms/konto/").status_code == 200
