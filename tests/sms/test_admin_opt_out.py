"""Staff record a STOP reply in the admin: no later send reaches the person."""

from datetime import datetime

import time_machine

from notifications.sms import selectors, services

from .conftest import add_person, add_policy, credit, soon

STOPPED_AT = datetime(2026, 5, 4, 10, 15, tzinfo=services.WARSAW)


def test_the_stop_action_opts_the_person_out_and_a_later_send_leaves_them_out(
    staff_client, agency, end_template, sms_gateway, django_capture_on_commit_callbacks
) -> None:
    stopped = add_person(agency, "Jan", "Stop", phone="+48600100200", consent=True)
    kept = add_person(agency, "Anna", "Zostaje", phone="+48600100201", consent=True)
    for index, person in enumerate((stopped, kept)):
        add_policy(person, f"POL/{index}", soon(10))
    changelist = staff_client.get("/admin/sms/insuredperson/").content.decode()
    assert "Rezygnacja z SMS (odpowiedź STOP)" in changelist

    with time_machine.travel(STOPPED_AT, tick=False):
        response = staff_client.post(
            "/admin/sms/insuredperson/",
            {"action": "opt_out", "_selected_action": [stopped.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert "Zapisano rezygnację z SMS: 1 os." in response.content.decode()
    stopped.refresh_from_db()
    kept.refresh_from_db()
    assert stopped.opted_out_at == STOPPED_AT
    assert kept.opted_out_at is None
    # The consent stays recorded as it was: the opt-out overrides it, it does not erase it.
    assert stopped.marketing_consent and stopped.consent_source == "form"

    # A transactional message (policy end), which needs no consent, still leaves them out.
    credit(agency, "5.00")
    targets = selectors.targets_matching(agency, "policy_end", soon(0))
    preview = services.send_prepare(agency=agency, template=end_template, targets=targets)
    assert [m.target.person for m in preview.messages] == [kept]
    assert [(e.person_name, e.reason) for e in preview.excluded] == [
        ("Jan Stop", "zrezygnował(a) z SMS")
    ]
    today = soon(0)
    noon = datetime(today.year, today.month, today.day, 12, tzinfo=services.WARSAW)
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.sms_send(agency=agency, preview=preview, now=noon)
    assert [m.person_id for m in sent] == [kept.pk]
    assert [s.recipient for s in sms_gateway.sent] == ["+48600100201"]


def test_the_admin_without_the_second_factor_cannot_opt_anyone_out(client, staff, agency) -> None:
    person = add_person(agency)
    client.force_login(staff)
    client.post("/admin/sms/insuredperson/", {"action": "opt_out", "_selected_action": [person.pk]})
    person.refresh_from_db()
    assert person.opted_out_at is None
