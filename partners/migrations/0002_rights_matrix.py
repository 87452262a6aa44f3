"""The seed's levels and rights, word for word.

Each level's list is written the way the seed writes it: level 0 stands apart,
level 1 has its own list (not built on level 0), level 2 is "level 1 plus",
level 3 is "level 2 plus", level 4 is "level 3 plus, without the PI section",
level 5 is "level 4 plus" (so no PI section either).
"""

from django.db import migrations

# code, name, page (URL name), extra condition
RIGHTS = [
    ("own_solutions", "Wpisywanie rozwiązań autorskich", "partners:solutions", ""),
    ("technical_materials", "Materiały techniczne", "partners:technical-materials", ""),
    (
        "partner_support_line",
        "Specjalny numer telefonu stacjonarnego do pomocy technicznej dla Partnerów",
        "partners:support-lines",
        "",
    ),
    ("service_materials", "Ogólne materiały serwisanckie", "partners:service-materials", ""),
    ("upgrades", "Pobieranie ulepszeń do programów", "partners:upgrades", ""),
    ("distributor_forum", "Forum dla dystrybutorów", "partners:distributor-forum", ""),
    (
        "mobile_support_line",
        "Specjalny, całodobowy numer telefonu komórkowego do pomocy technicznej",
        "partners:support-lines",
        "",
    ),
    ("bug_database", "Baza Błędów i Sugestii", "partners:bugs", ""),
    ("sales_registration", "Rejestracja sprzedaży", "partners:registrations", ""),
    ("buy_programs", "Zakup programów", "partners:shop", ""),
    ("buy_subscriptions", "Zakup abonamentów", "partners:shop", "subscription_sales"),
    ("pi_section", "Specjalna sekcja dla PI", "partners:pi", ""),
    (
        "technician_materials",
        "Instrukcje i materiały dla serwisantów",
        "partners:technician-materials",
        "",
    ),
    (
        "technician_support_line",
        "Specjalny numer telefonu stacjonarnego do pomocy technicznej dla serwisantów",
        "partners:support-lines",
        "",
    ),
    (
        "support_questions",
        "Zapytania do pomocy technicznej przez formularz WWW",
        "partners:cases",
        "",
    ),
    ("api_section", "Specjalna sekcja dla API", "partners:api", ""),
    ("api_forum", "Forum dla API", "partners:api-forum", ""),
]

# number, name, requires the access grounds, requires a second factor
LEVELS = [
    (0, "autor rozwiązania autorskiego", False, False),
    (1, "początkujący Partner", True, False),
    (2, "Pozostałe Punkty Sprzedaży (PPS)", True, False),
    (3, "Partner", True, True),
    (4, "serwisant", True, True),
    (5, "Autoryzowany Partner", True, True),
]
DESCRIPTIONS = {
    0: "Dostęp do tego poziomu nie wymaga spełnienia warunków dostępu.",
    3: (
        "Pracownicy firm, które zatrudniają serwisantów; serwisanci, których uprawnienia "
        "wygasły oraz inni wybrani Partnerzy."
    ),
}

# The seed's lists: (level, built on, removed from the base, added).
CHAINS = [
    (0, None, [], ["own_solutions", "technical_materials"]),
    (1, None, [], ["partner_support_line", "technical_materials", "service_materials"]),
    (
        2,
        1,
        [],
        [
            "upgrades",
            "distributor_forum",
            "mobile_support_line",
            "bug_database",
            "sales_registration",
            "buy_programs",
            "buy_subscriptions",
        ],
    ),
    (3, 2, [], ["pi_section"]),
    (
        4,
        3,
        ["pi_section"],
        ["technician_materials", "technician_support_line", "support_questions"],
    ),
    (5, 4, [], ["api_section", "api_forum"]),
]
NEXT = {0: 1, 1: 2, 2: 3, 3: 4, 4: 5}
ON_EXPIRY = {4: 3}


def load_matrix(apps, schema_editor):
    Level = apps.get_model("partners", "Level")
    Right = apps.get_model("partners", "Right")
    LevelGrant = apps.get_model("partners", "LevelGrant")
    rights = {}
    for position, (code, name, url_name, condition) in enumerate(RIGHTS, start=1):
        rights[code], _ = Right.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "url_name": url_name,
                "condition": condition,
                "position": position,
            },
        )
    levels = {}
    for number, name, grounds, second_factor in LEVELS:
        levels[number], _ = Level.objects.update_or_create(
            number=number,
            defaults={
                "name": name,
                "description": DESCRIPTIONS.get(number, ""),
                "requires_grounds": grounds,
                "requires_second_factor": second_factor,
            },
        )
    for number, level in levels.items():
        level.next_level = levels.get(NEXT.get(number, -1))
        level.on_expiry = levels.get(ON_EXPIRY.get(number, -1))
        level.save(update_fields=["next_level", "on_expiry"])

    # Each level's list: its base's list (with the grants' notes), less what the seed removes,
    # plus its own additions.
    lists: dict[int, dict[str, int]] = {}
    for number, base, removed, added in CHAINS:
        level = levels[number]
        level.builds_on = levels[base] if base is not None else None
        level.save(update_fields=["builds_on"])
        own = dict(lists[base]) if base is not None else {}
        for code in removed:
            own.pop(code)
        for code in added:
            own[code] = number
        lists[number] = own
        LevelGrant.objects.filter(level=level).exclude(right__code__in=own).delete()
        for code, origin in own.items():
            note = (
                f"poziom {number}"
                if origin == number
                else f"z poziomu {origin}: poziom {number} to poziom {base} plus"
            )
            LevelGrant.objects.update_or_create(
                level=level, right=rights[code], defaults={"note": note}
            )


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_levels_and_rights")]

    operations = [migrations.RunPython(load_matrix, migrations.RunPython.noop)]
