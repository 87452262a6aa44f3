from datetime import UTC, datetime

from payments.providers.base import OUTCOME_SUCCEEDED, stripe_event_interpret


def _event(created: object) -> dict:
    return {
        "id": "evt_1",
        "type": "payment_intent.succeeded",
        "created": created,
        "data": {
            "object": {
                "id": "pi_1",
                "object": "payment_intent",
                "amount": 40600,
                "amount_received": 40600,
                "currency": "pln",
                "status": "succeeded",
                "metadata": {"payment_id": "abc"},
                "payment_method_types": ["blik"],
            }
        },
    }


def test_the_event_time_is_when_the_money_was_paid():
    update = stripe_event_interpret(_event(1_777_748_399))
    assert update is not None
    assert update.outcome == OUTCOME_SUCCEEDED
    assert update.occurred_at == datetime(2026, 5, 2, 18, 59, 59, tzinfo=UTC)
    assert update.amount_minor == 40600 and update.method == "blik"


def test_an_event_without_a_time_leaves_it_unknown():
    update = stripe_event_interpret(_event(None))
    assert update is not None and update.occurred_at is None
