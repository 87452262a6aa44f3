"""Staff change a level in the admin (recorded, told); technicians are told before expiry."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from partners import services, tasks
from partners.models import LevelChange, PartnerProfile

from .conftest import login_client, make_company


def _post_profile(staff_client, profile, level, reason, **fields):
    data = {
        "organisation": profile.organisation_id,
        "level": level,
        "ground": profile.ground,
        "technician_until": fields.get("technician_until", ""),
        "change_reason": reason,
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
        "changes-MIN_NUM_FORMS": "0",
        "changes-MAX_NUM_FORMS": "1000",
    }
    return staff_client.post(
        reverse("admin:partners_partnerprofile_change", args=[profile.pk]), data
    )


def test_it_records_and_tells_a_level_change(
    staff_client, staff, firm_a, django_capture_on_commit_callbacks
):
    profile = firm_a.partner_profile
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_profile(staff_client, profile, 4, "Szkolenie serwisantów zaliczone")
    assert response.status_code == 302
    change = LevelChange.objects.get()
    assert (change.from_level_id, change.to_level_id) == (2, 4)
    assert change.changed_by == staff and change.reason == "Szkolenie serwisantów zaliczone"
    assert change.changed_at is not None
    assert mail.outbox[-1].to == [firm_a.email]
    assert "Szkolenie serwisantów zaliczone" in mail.outbox[-1].body


def test_it_demands_a_reason(staff_client, firm_a):
    response = _post_profile(staff_client, firm_a.partner_profile, 4, "")
    assert response.status_code == 200 and "Podaj powód zmiany poziomu." in response.text
    assert PartnerProfile.objects.get(pk=firm_a.partner_profile.pk).level_id == 2


def test_it_never_edits_a_recorded_change(firm_a, staff):
    change = services.partner_level_change(
        profile=firm_a.partner_profile,
        level=firm_a.partner_profile.level.next_level,
        by=staff,
        reason="x",
    )
    with pytest.raises(ValueError):
        change.save()
    with pytest.raises(ValueError):
        change.delete()


def test_it_tells_a_technician_30_and_7_days_before_expiry(db, django_capture_on_commit_callbacks):
    make_company("Serwis", level=4, technician_until=date(2027, 3, 31))
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel("2027-02-28 23:59:00+01:00", tick=False):  # 31 days left
            assert tasks.technician_expiry_remind() == 0
        with time_machine.travel("2027-03-01 00:00:10+01:00", tick=False):  # 30 days left
            assert tasks.technician_expiry_remind() == 1
            assert tasks.technician_expiry_remind() == 0  # once
        with time_machine.travel("2027-03-24 21:30:00+01:00", tick=False):  # 7 days left
            assert tasks.technician_expiry_remind() == 1
        with time_machine.travel("2027-03-29 12:00:00+02:00", tick=False):  # after the DST change
            assert tasks.technician_expiry_remind() == 0
    assert len(mail.outbox) == 2
    assert "za 30 dni" in mail.outbox[0].body and "za 7 dni" in mail.outbox[1].body
    assert "poziomu 3" in mail.outbox[0].body


def test_it_does_not_remind_companies_that_are_not_technicians(db):
    make_company("Trzeci", level=3, technician_until=date(2027, 3, 31))
    with time_machine.travel("2027-03-24 12:00:00+01:00", tick=False):
        assert tasks.technician_expiry_remind() == 0


def _expiry_run() -> int:
    return tasks.technician_expiry_apply()


def test_it_moves_an_expired_technician_to_level_3_once_on_the_day(
    db, django_capture_on_commit_callbacks
):
    company = make_company("Serwis", level=4, technician_until=date(2027, 3, 31))
    profile = company.partner_profile
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel("2027-03-31 23:59:59+02:00", tick=False):  # still valid today
            assert _expiry_run() == 0
        with time_machine.travel("2027-04-01 00:00:00+02:00", tick=False):
            assert _expiry_run() == 1
        with time_machine.travel("2027-04-01 12:00:00+02:00", tick=False):  # the second run
            assert _expiry_run() == 0
            assert tasks.technician_expiry_remind() == 0
    profile.refresh_from_db()
    assert profile.level_id == 3
    change = LevelChange.objects.get(profile=profile)
    assert (change.from_level_id, change.to_level_id) == (4, 3)
    assert change.changed_by is None and change.who == "system"
    assert change.reason == "Uprawnienia serwisanta wygasły 31.03.2027."
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [company.email]
    assert "Uprawnienia serwisanta wygasły: poziom 3" in mail.outbox[0].subject
    assert "ważne do 31.03.2027" in mail.outbox[0].body
    assert "Od dziś firma ma poziom Poziom 3" in mail.outbox[0].body


def test_it_changes_the_level_by_the_warsaw_date_across_the_dst_change(
    db, django_capture_on_commit_callbacks
):
    # Valid to Saturday 27 March 2027; clocks go forward on Sunday the 28th.
    company = make_company("Serwis DST", level=4, technician_until=date(2027, 3, 27))
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel("2027-03-27 22:59:59+00:00", tick=False):  # 23:59:59 in Warsaw
            assert _expiry_run() == 0
        # 00:30 on the 28th in Warsaw, still the 27th in UTC: the Warsaw date decides.
        with time_machine.travel("2027-03-27 23:30:00+00:00", tick=False):
            assert _expiry_run() == 1
        with time_machine.travel("2027-03-28 03:30:00+02:00", tick=False):  # after the change
            assert _expiry_run() == 0
    assert len(mail.outbox) == 1
    assert PartnerProfile.objects.get(organisation=company).level_id == 3


def test_it_leaves_a_renewed_or_valid_technician_alone(db, django_capture_on_commit_callbacks):
    make_company("Ważny", level=4, technician_until=date(2027, 4, 30))
    make_company("Bez daty", level=4)
    make_company("Trzeci", level=3, technician_until=date(2027, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel("2027-04-01 08:00:00+02:00", tick=False):
            assert _expiry_run() == 0
    assert not LevelChange.objects.exists() and not mail.outbox


def test_it_tells_the_home_page_after_the_level_changed(alice, firm_a):
    PartnerProfile.objects.filter(organisation=firm_a).update(
        level=4, technician_until=date(2027, 3, 27)
    )
    with time_machine.travel("2027-03-28 06:00:00+02:00", tick=False):
        assert _expiry_run() == 1
        client = login_client(alice)
        page = client.get(reverse("partners:home")).text
    assert "Poziom 3 – " in page
    assert (
        "Ostatnia zmiana poziomu (28.03.2027): z poziomu 4 na 3. "
        "Powód: Uprawnienia serwisanta wygasły 27.03.2027." in page
    )
    assert "Uprawnienia serwisanta są ważne do" not in page
