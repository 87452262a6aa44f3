"""Daily reminder rules, run by Celery beat at each agency's hour within its sending window."""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from . import selectors, services
from .models import ReminderRule

logger = logging.getLogger(__name__)


def rule_due(rule: ReminderRule, now: datetime) -> bool:
    """Has today's run (at the agency's hour, Warsaw time) come and not yet happened?"""
    local = now.astimezone(services.WARSAW)
    agency = rule.agency
    hour = min(max(agency.reminder_hour, agency.window_start), agency.window_end - 1)
    return local.hour >= hour and rule.last_run_on != local.date()


def rule_run(*, rule_id: int, now: datetime | None = None) -> int:
    """Send one rule's reminders for today; claiming the day first makes a second run a no-op."""
    now = now or timezone.now()
    today = now.astimezone(services.WARSAW).date()
    with transaction.atomic():
        claimed = (
            ReminderRule.objects.filter(pk=rule_id, enabled=True)
            .exclude(last_run_on=today)
            .update(last_run_on=today)
        )
        if not claimed:
            return 0
        rule = ReminderRule.objects.select_related("agency", "template").get(pk=rule_id)
        targets = selectors.targets_matching(
            rule.agency, rule.template.kind, today, days=rule.days_ahead
        )
        preview = services.send_prepare(
            agency=rule.agency, template=rule.template, targets=targets, on=today
        )
        if not preview.messages:
            return 0
        try:
            sent = services.sms_send(agency=rule.agency, preview=preview, now=now)
        except services.SmsError as error:
            # No money or nothing left: the day stays claimed, the agency sees it on its page.
            logger.warning("sms: rule %s not sent: %s", rule_id, error.message)
            return 0
    return len(sent)


def reminders_run(*, now: datetime | None = None) -> int:
    """Beat's entry point: run every rule whose hour has come today."""
    now = now or timezone.now()
    total = 0
    for rule in ReminderRule.objects.filter(enabled=True).select_related("agency"):
        if rule_due(rule, now):
            total += rule_run(rule_id=rule.pk, now=now)
    return total
