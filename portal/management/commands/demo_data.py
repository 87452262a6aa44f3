from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from invoicing import demo as invoicing_demo
from notifications.sms import demo as sms_demo
from offers import demo as offers_demo
from offers.demo_client import load_client_demo
from partners import demo as partners_demo
from portal import demo
from subscribers import demo as subscribers_demo


class Command(BaseCommand):
    help = "Load demo users and data (development only; safe to run repeatedly)."

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_data refuses to run with PORTAL_ENV=production.")
        lines: list[str] = []
        with transaction.atomic():
            # Each area adds its loader here; every loader is idempotent.
            for loader in (
                demo.load,
                offers_demo.load,
                load_client_demo,
                invoicing_demo.load,
                sms_demo.load,
                partners_demo.load,
                subscribers_demo.load,
            ):
                lines.extend(loader())
        self.stdout.write(self.style.SUCCESS("Dane demonstracyjne gotowe. Logowania:"))
        for line in lines:
            self.stdout.write(f"  {line}")
