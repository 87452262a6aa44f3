"""The product catalogue: nine series, their portal generation, packages and premiums.

Reference data the code depends on, so every database has it; staff edit it in
the admin afterwards (this migration does not overwrite their changes).
"""

from decimal import Decimal

from django.db import migrations

NEW, OLD = "new", "old"

PRODUCTS = [
    (
        "DM",
        "Lekarz — OC indywidualne",
        NEW,
        "Odpowiedzialność cywilna lekarza i lekarza dentysty wykonującego zawód.",
        [
            ("Lekarz — OC obowiązkowe", "150.00", "375000.00"),
            ("Lekarz — OC dobrowolne", "620.00", "500000.00"),
            ("Lekarz — pakiet pełny", "980.00", "1000000.00"),
        ],
    ),
    (
        "RM_T",
        "Ratownik medyczny",
        NEW,
        "Odpowiedzialność cywilna ratownika medycznego.",
        [
            ("Ratownik medyczny", "249.00", "200000.00"),
            ("Ratownik medyczny Plus", "399.00", "400000.00"),
        ],
    ),
    (
        "PM_T",
        "Pielęgniarka i położna",
        NEW,
        "Odpowiedzialność cywilna pielęgniarki i położnej.",
        [("Pielęgniarka", "189.00", "200000.00"), ("Położna", "229.00", "200000.00")],
    ),
    (
        "FM_T",
        "Fizjoterapeuta",
        NEW,
        "Odpowiedzialność cywilna fizjoterapeuty wykonującego zawód.",
        [("Fizjoterapeuta", "406.00", "300000.00"), ("Fizjoterapeuta Plus", "559.00", "600000.00")],
    ),
    (
        "ZM_T",
        "Pozostałe zawody medyczne",
        NEW,
        "Odpowiedzialność cywilna osób wykonujących inne zawody medyczne.",
        [
            ("Diagnosta laboratoryjny", "210.00", "200000.00"),
            ("Farmaceuta", "260.00", "200000.00"),
            ("Inny zawód medyczny", "230.00", "200000.00"),
        ],
    ),
    (
        "PL_T",
        "Podmioty lecznicze",
        OLD,
        "Odpowiedzialność cywilna i mienie podmiotów leczniczych (ZOZ).",
        [
            ("OC obowiązkowe podmiotu leczniczego", "1200.00", "1500000.00"),
            ("OC i mienie podmiotu leczniczego", "2450.00", "2000000.00"),
        ],
    ),
    (
        "POC_T",
        "Mienie, OC firm i NNW",
        OLD,
        "Ubezpieczenie mienia, odpowiedzialności cywilnej firmy i następstw nieszczęśliwych wypadków.",
        [
            ("Firma — wariant podstawowy", "890.00", "500000.00"),
            ("Firma — wariant rozszerzony", "1590.00", "1000000.00"),
        ],
    ),
    (
        "DOR_T",
        "Mieszkania i domy dla każdego",
        OLD,
        "Ubezpieczenie mieszkań i domów wraz z odpowiedzialnością cywilną w życiu prywatnym.",
        [("Mieszkanie", "320.00", "300000.00"), ("Dom", "540.00", "600000.00")],
    ),
    (
        "LEN_T",
        "Mieszkania i domy dla lekarzy",
        OLD,
        "Ubezpieczenie mieszkań i domów dostępne wyłącznie dla lekarzy.",
        [("Mieszkanie lekarza", "280.00", "300000.00"), ("Dom lekarza", "470.00", "600000.00")],
    ),
]


def add_products(apps, schema_editor):
    Product = apps.get_model("offers", "Product")
    Package = apps.get_model("offers", "Package")
    for position, (code, name, portal, description, packages) in enumerate(PRODUCTS):
        product, created = Product.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "portal": portal,
                "description": description,
                "position": position,
            },
        )
        if not created:
            continue
        for package_position, (package_name, premium, sum_insured) in enumerate(packages):
            Package.objects.create(
                product=product,
                name=package_name,
                premium=Decimal(premium),
                sum_insured=Decimal(sum_insured),
                position=package_position,
            )


class Migration(migrations.Migration):
    dependencies = [("offers", "0002_offer_number_sequence")]

    operations = [migrations.RunPython(add_products, migrations.RunPython.noop)]
