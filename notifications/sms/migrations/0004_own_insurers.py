from django.db import migrations, models

# The listed reasons begin with what the name imitates (0002); staff's own entries stay "other".
CATEGORY_BY_REASON = {
    "podszywa się pod instytucję publiczną": "public",
    "podszywa się pod bank": "bank",
    "podszywa się pod firmę kurierską lub pocztę": "courier",
    "podszywa się pod zakład ubezpieczeń": "insurer",
}


def set_categories(apps, schema_editor):
    RefusedSenderName = apps.get_model("sms", "RefusedSenderName")
    for prefix, category in CATEGORY_BY_REASON.items():
        RefusedSenderName.objects.filter(reason__startswith=prefix).update(category=category)


class Migration(migrations.Migration):
    dependencies = [("sms", "0003_window_defaults_from_settings")]

    operations = [
        migrations.AddField(
            model_name="refusedsendername",
            name="category",
            field=models.CharField(
                choices=[
                    ("public", "instytucja publiczna"),
                    ("bank", "bank"),
                    ("courier", "firma kurierska lub poczta"),
                    ("insurer", "zakład ubezpieczeń"),
                    ("other", "inna"),
                ],
                default="other",
                max_length=10,
                verbose_name="rodzaj",
            ),
        ),
        migrations.AddField(
            model_name="agency",
            name="own_insurers",
            field=models.ManyToManyField(
                blank=True,
                limit_choices_to={"category": "insurer"},
                related_name="represented_by",
                to="sms.refusedsendername",
                verbose_name="ubezpieczyciele, których agencja reprezentuje",
            ),
        ),
        migrations.RunPython(set_categories, migrations.RunPython.noop),
    ]
