"""Statements compiled once per process (accounts.statements): values bound, rows as the ORM."""

import datetime
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery

from accounts import statements
from accounts.models import Membership, Organisation, User

pytestmark = pytest.mark.django_db


def test_it_puts_each_value_in_place_of_its_standin() -> None:
    params = (statements.ID, True, statements.OTHER_ID, statements.DAY, "x", [1, 2])
    day = datetime.date(2027, 3, 28)
    bound = statements.bind(
        params, "default", {statements.ID: 7, statements.OTHER_ID: 9, statements.DAY: day}
    )
    assert bound == (7, True, 9, day, "x", [1, 2])


def _memberships() -> QuerySet[Membership]:
    newest = Membership.objects.filter(user_id=OuterRef("user_id")).order_by("-pk")
    return (
        Membership.objects.select_related("user", "organisation")
        .annotate(newest=Subquery(newest.values("pk")[:1]))
        .filter(user_id=statements.ID)
        .order_by("organisation__name")
    )


def test_it_gives_instances_with_their_related_objects_and_annotations(
    django_assert_num_queries,
) -> None:  # type: ignore[no-untyped-def]
    ola = User.objects.create(username="ola", first_name="Ola")
    other = User.objects.create(username="jan")
    made = [
        Membership.objects.create(
            user=ola, organisation=Organisation.objects.create(kind="partner", name=name, nip="")
        )
        for name in ("Beta", "Alfa")
    ]
    Membership.objects.create(user=other, organisation=made[0].organisation)

    with django_assert_num_queries(1):
        found = statements.objects(_memberships, {statements.ID: ola.pk})
        names = [(m.organisation.name, m.user.first_name, m.newest) for m in found]

    assert names == [("Alfa", "Ola", made[1].pk), ("Beta", "Ola", made[1].pk)]
    assert statements.objects(_memberships, {statements.ID: other.pk})[0].user == other
    assert statements.objects(_memberships, {statements.ID: -1}) == []


def test_postgresql_binds_on_the_server_and_prepares_repeated_statements() -> None:
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5
    user = User.objects.create(username="ewa")
    for _ in range(6):
        statements.objects(_memberships, {statements.ID: user.pk})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%accounts_membership%"],
        )
        (prepared,) = cursor.fetchone()
    assert prepared >= 1


def test_a_transaction_pooler_turns_prepared_statements_off() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['OPTIONS']['prepare_threshold'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/not-opened",  # settings only
    }

    def threshold(**extra: str) -> str:
        run = subprocess.run(
            [sys.executable, "-c", code],
            env={**env, **extra},
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    assert threshold(DATABASE_PREPARED_STATEMENTS="0") == "None"
    assert threshold() == "5"
