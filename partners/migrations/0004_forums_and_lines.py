from django.db import migrations

FORUMS = [
    ("distributor_forum", "dystrybutorzy", "Forum dla dystrybutorów"),
    ("api_forum", "api", "Forum dla API"),
]
LINES = [
    (
        "partner_support_line",
        "Pomoc techniczna dla Partnerów (stacjonarny)",
        "22 100 20 30",
        "pon.–pt. 8:00–16:00",
    ),
    ("mobile_support_line", "Całodobowa pomoc techniczna (komórkowy)", "600 100 200", "całodobowo"),
    (
        "technician_support_line",
        "Pomoc techniczna dla serwisantów (stacjonarny)",
        "22 100 20 40",
        "pon.–pt. 8:00–18:00",
    ),
]


def load(apps, schema_editor):
    Right = apps.get_model("partners", "Right")
    Forum = apps.get_model("partners", "Forum")
    SupportLine = apps.get_model("partners", "SupportLine")
    for code, slug, name in FORUMS:
        Forum.objects.update_or_create(
            slug=slug, defaults={"right": Right.objects.get(code=code), "name": name}
        )
    for code, label, phone, hours in LINES:
        SupportLine.objects.update_or_create(
            right=Right.objects.get(code=code),
            defaults={"label": label, "phone": phone, "hours": hours},
        )


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_resources")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
