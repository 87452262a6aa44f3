"""The rights matrix follows the seed word for word; code asks for rights, not levels."""

from datetime import date

import pytest

from accounts.models import Organisation
from partners.models import Level, PartnerProfile, Right
from partners.rights import explain, has_right, level_rights, next_level_of, rights_of

from .conftest import make_company

# Every level spelled out, as the seed's lists read with their "plus" chains.
GOLDEN = {
    0: {"own_solutions", "technical_materials"},
    1: {"partner_support_line", "technical_materials", "service_materials"},
    2: {
        "partner_support_line",
        "technical_materials",
        "service_materials",
        "upgrades",
        "distributor_forum",
        "mobile_support_line",
        "bug_database",
        "sales_registration",
        "buy_programs",
        "buy_subscriptions",
    },
    3: {
        "partner_support_line",
        "technical_materials",
        "service_materials",
        "upgrades",
        "distributor_forum",
        "mobile_support_line",
        "bug_database",
        "sales_registration",
        "buy_programs",
        "buy_subscriptions",
        "pi_section",
    },
    4: {
        "partner_support_line",
        "technical_materials",
        "service_materials",
        "upgrades",
        "distributor_forum",
        "mobile_support_line",
        "bug_database",
        "sales_registration",
        "buy_programs",
        "buy_subscriptions",
        "technician_materials",
        "technician_support_line",
        "support_questions",
    },
    5: {
        "partner_support_line",
        "technical_materials",
        "service_materials",
        "upgrades",
        "distributor_forum",
        "mobile_support_line",
        "bug_database",
        "sales_registration",
        "buy_programs",
        "buy_subscriptions",
        "technician_materials",
        "technician_support_line",
        "support_questions",
        "api_section",
        "api_forum",
    },
}


def test_it_lists_the_exact_rights_of_every_level(db):
    assert {level.number: set(level_rights(level)) for level in Level.objects.all()} == GOLDEN
    assert Right.objects.count() == 17


def test_it_keeps_level_0_apart(db):
    level_1 = set(level_rights(Level.objects.get(number=1)))
    assert "own_solutions" not in level_1
    assert not any("own_solutions" in level_rights(level) for level in Level.objects.exclude(pk=0))
    assert Level.objects.get(number=0).builds_on is None
    assert Level.objects.get(number=1).builds_on is None
    assert not Level.objects.get(number=0).requires_grounds


def test_it_takes_the_pi_section_away_from_levels_4_and_5(db):
    holders = {level.number for level in Level.objects.filter(grants__right__code="pi_section")}
    assert holders == {3}


def test_it_requires_the_subscription_condition_for_buying_subscriptions(db):
    without = make_company("Bez abonamentów", level=2)
    with_sales = make_company("Z abonamentami", level=2, subscription_sales=True)
    assert has_right(without, "buy_programs")
    assert not has_right(without, "buy_subscriptions")
    assert has_right(with_sales, "buy_subscriptions")
    why = explain(without, "buy_subscriptions")
    assert not why.allowed and why.grant is not None and not why.condition_met
    assert "systemie sprzedaży Abonamentów" in why.message


def test_it_counts_an_expired_technician_as_level_3(db):
    company = make_company("Serwis", level=4, technician_until=date(2026, 6, 30))
    profile = company.partner_profile
    assert has_right(company, "technician_materials", today=date(2026, 6, 30))
    assert not has_right(company, "pi_section", today=date(2026, 6, 30))
    assert set(rights_of(profile, date(2026, 7, 1))) == GOLDEN[3] - {"buy_subscriptions"}
    why = explain(company, "technician_materials", today=date(2026, 7, 1))
    assert not why.allowed and why.technician_expired and why.level.number == 3
    assert "wygasły" in why.message


def test_it_explains_which_grant_decided(db):
    company = make_company("Dystrybutor", level=3)
    why = explain(company, "upgrades")
    assert why.allowed and why.grant.level_id == 3
    assert why.grant.note == "z poziomu 2: poziom 3 to poziom 2 plus"
    refused = explain(company, "api_forum")
    assert not refused.allowed and refused.grant is None
    assert [level.number for level in refused.granting_levels] == [5]
    assert "Daje je poziom: 5" in refused.message


def test_it_views_a_company_as_another_level(db):
    company = make_company("Podgląd", level=1)
    assert explain(company, "pi_section", level=Level.objects.get(number=3)).allowed


def test_it_tells_what_the_next_level_adds_and_takes(db):
    at_3 = make_company("Trzeci", level=3)
    step = next_level_of(at_3.partner_profile)
    assert step.level.number == 4
    assert {r.code for r in step.gains} == {
        "technician_materials",
        "technician_support_line",
        "support_questions",
    }
    assert [r.code for r in step.losses] == ["pi_section"]
    assert next_level_of(make_company("Piąty", level=5).partner_profile) is None


def test_it_gives_a_user_the_rights_of_their_company(db, partner_user):
    company = make_company("Firma", level=2)
    user = partner_user("ewa", company)
    assert has_right(user, "bug_database")
    assert not has_right(user, "pi_section")
    user.is_active = False
    assert not has_right(user, "bug_database")


def test_it_gives_nothing_to_a_user_outside_partner_companies(db, partner_user):
    agency = Organisation.objects.create(
        kind=Organisation.Kind.SMS_AGENCY, name="Agencja", nip="5260250274", address="Polna 1"
    )
    user = partner_user("olek", agency)
    assert not has_right(user, "technical_materials")
    assert not PartnerProfile.objects.exists()


@pytest.mark.parametrize("number", range(6))
def test_it_never_grants_a_level_more_than_its_golden_list(db, number):
    company = make_company(f"Firma {number}", level=number, subscription_sales=True)
    assert set(rights_of(company.partner_profile)) == GOLDEN[number]
