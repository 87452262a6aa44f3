from django.db import migrations

PUBLIC = "podszywa się pod instytucję publiczną"
BANK = "podszywa się pod bank"
COURIER = "podszywa się pod firmę kurierską lub pocztę"
INSURER = "podszywa się pod zakład ubezpieczeń"
ACT = " — operatorzy blokują takie nazwy (ustawa z 2023 r. o zwalczaniu nadużyć w komunikacji elektronicznej)"

NAMES = {
    **{
        n: PUBLIC
        for n in (
            "Policja",
            "GOV.PL",
            "mObywatel",
            "ZUS",
            "KRUS",
            "NFZ",
            "Urzad Skarbowy",
            "e-Urzad",
            "CEPiK",
            "Poczta Polska",
            "Sad",
            "Prokuratura",
            "CERT Polska",
        )
    },
    **{
        n: BANK
        for n in (
            "PKO BP",
            "PKO Bank",
            "Pekao",
            "mBank",
            "ING",
            "Santander",
            "Millennium",
            "Alior",
            "BNP Paribas",
            "Credit Agricole",
            "BLIK",
            "Citi Handlowy",
        )
    },
    **{
        n: COURIER
        for n in ("InPost", "DPD", "DHL", "UPS", "FedEx", "GLS", "Pocztex", "Orlen Paczka")
    },
    **{
        n: INSURER
        for n in (
            "PZU",
            "Warta",
            "Allianz",
            "Ergo Hestia",
            "Hestia",
            "Generali",
            "Link4",
            "UNIQA",
            "Compensa",
            "InterRisk",
            "Wiener",
            "Balcia",
            "Proama",
            "mtu24",
            "Trasti",
            "Beesafe",
        )
    },
}


def add_names(apps, schema_editor):
    RefusedSenderName = apps.get_model("sms", "RefusedSenderName")
    for name, reason in NAMES.items():
        RefusedSenderName.objects.get_or_create(name=name, defaults={"reason": reason + ACT})


class Migration(migrations.Migration):
    dependencies = [("sms", "0001_initial")]

    operations = [migrations.RunPython(add_names, migrations.RunPython.noop)]
