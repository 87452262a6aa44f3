"""Offer numbers come from a PostgreSQL sequence: unique, never reused, nine digits.

SQLite (the embedded `make run` mode) has no sequences; services fall back there.
"""

from django.db import migrations

CREATE = (
    "CREATE SEQUENCE IF NOT EXISTS offers_offer_number_seq "
    "AS bigint MINVALUE 100000000 MAXVALUE 999999999 START WITH 248100000 NO CYCLE"
)
DROP = "DROP SEQUENCE IF EXISTS offers_offer_number_seq"


def create_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("offers", "0001_initial")]

    operations = [migrations.RunPython(create_sequence, drop_sequence)]
