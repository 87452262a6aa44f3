from datetime import date
from decimal import Decimal

from notifications.sms import services
from notifications.sms.models import InsuredPerson, Policy

from .conftest import add_person


def _issue(agent, number="FM_T/1"):  # type: ignore[no-untyped-def]
    return services.sms_insured_from_policy(
        agent=agent,
        name="Łukasz Wójcik",
        phone="600 100 200",
        policy_number=number,
        end_date=date(2027, 4, 30),
        premium=Decimal("406.00"),
    )


def test_a_dms_policy_lands_in_the_agents_agency_without_consent(alice, agency) -> None:
    policy = _issue(alice)
    assert policy.agency == agency and policy.end_date == date(2027, 4, 30)
    person = policy.person
    assert (person.first_name, person.last_name, person.phone) == (
        "Łukasz",
        "Wójcik",
        "+48600100200",
    )
    assert not person.marketing_consent


def test_it_is_safe_twice_and_reuses_the_person(alice, agency) -> None:
    existing = add_person(agency, consent=True)
    assert _issue(alice) == _issue(alice)
    _issue(alice, "FM_T/2")
    assert InsuredPerson.objects.get() == existing
    assert Policy.objects.filter(person=existing).count() == 2
    existing.refresh_from_db()
    assert existing.marketing_consent  # a consent recorded before is kept


def test_an_agent_of_no_agency_changes_nothing(charlie) -> None:
    assert _issue(charlie) is None
    assert not Policy.objects.exists()
