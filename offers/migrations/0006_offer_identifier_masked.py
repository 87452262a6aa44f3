from django.db import migrations

from accounts.fields import MaskedField, mask_identifier


def fill_masks(apps, schema_editor):
    Offer = apps.get_model("offers", "Offer")
    batch = []
    for offer in Offer.objects.only("holder_kind", "holder_pesel", "holder_nip").iterator():
        plain = offer.holder_nip if offer.holder_kind == "company" else offer.holder_pesel
        offer.holder_identifier_masked = mask_identifier(plain)
        batch.append(offer)
        if len(batch) == 1000:
            Offer.objects.bulk_update(batch, ["holder_identifier_masked"])
            batch = []
    Offer.objects.bulk_update(batch, ["holder_identifier_masked"])


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0005_offer_list_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="holder_identifier_masked",
            field=MaskedField(verbose_name="PESEL/NIP", source="holder_identifier"),
        ),
        migrations.RunPython(fill_masks, migrations.RunPython.noop),
    ]
