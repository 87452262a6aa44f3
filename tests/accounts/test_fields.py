import pytest
from django.db import connection, models
from django.test.utils import isolate_apps

from accounts.fields import (
    BlindIndexField,
    EncryptedTextField,
    MaskedField,
    blind_index,
    decrypt,
    encrypt,
    mask_identifier,
)


def test_encryption_round_trips_and_is_randomised():
    first, second = encrypt("44051401359"), encrypt("44051401359")
    assert first != second
    assert "44051401359" not in first
    assert decrypt(first) == decrypt(second) == "44051401359"


def test_the_blind_index_is_keyed_and_ignores_formatting(settings):
    index = blind_index("123-456-32-18")
    assert index == blind_index("1234563218")
    assert len(index) == 64
    settings.FIELD_ENCRYPTION_KEY = "another key"
    assert blind_index("1234563218") != index


@pytest.mark.parametrize(
    ("value", "masked"),
    [("44051401359", "44•••••••••"), ("1234563218", "12••••••••"), ("", ""), (None, "")],
)
def test_masking_hides_everything_but_the_first_two_characters(value, masked):
    assert mask_identifier(value) == masked


@pytest.mark.django_db
@isolate_apps("accounts")
def test_it_stores_ciphertext_and_finds_rows_by_the_index():
    class Person(models.Model):
        pesel = EncryptedTextField(blank=True)
        pesel_index = BlindIndexField(source="pesel")
        pesel_masked = MaskedField(source="pesel")

        class Meta:
            app_label = "accounts"

        def __str__(self) -> str:
            return str(self.pk)

    with connection.schema_editor() as editor:
        editor.create_model(Person)
    try:
        person = Person.objects.create(pesel="44051401359")
        Person.objects.create(pesel="02070803628")
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(Person._meta.db_table)
            cursor.execute(f"SELECT pesel FROM {table} WHERE id = %s", [person.pk])  # noqa: S608
            stored = cursor.fetchone()[0]
        assert "44051401359" not in stored
        found = Person.objects.get(pesel_index=blind_index("44051401359"))
        assert found.pk == person.pk
        assert found.pesel == "44051401359"
        assert found.pesel_masked == "44•••••••••"

        # Changing the value moves the index and the mask with it.
        found.pesel = "02070803628"
        found.save()
        assert Person.objects.filter(pesel_index=blind_index("02070803628")).count() == 2
        assert Person.objects.get(pk=found.pk).pesel_masked == "02•••••••••"

        # bulk_create fills them too (it runs every field's pre_save).
        Person.objects.bulk_create([Person(pesel="85010112345")])
        assert Person.objects.filter(pesel_masked="85•••••••••").count() == 1

        # Ciphertexts are random, so the plain column cannot be searched by mistake.
        with pytest.raises(Exception, match="Unsupported lookup"):
            Person.objects.filter(pesel="44051401359").count()
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(Person)


@pytest.mark.django_db
@isolate_apps("accounts")
def test_a_save_with_update_fields_keeps_the_companions_in_step():
    from accounts.fields import CompanionsInStep

    class Holder(CompanionsInStep, models.Model):
        pesel = EncryptedTextField(blank=True)
        pesel_index = BlindIndexField(source="pesel")
        pesel_masked = MaskedField(source="pesel")
        note = models.CharField(max_length=20, blank=True)

        class Meta:
            app_label = "accounts"

        def __str__(self) -> str:
            return str(self.pk)

    with connection.schema_editor() as editor:
        editor.create_model(Holder)
    try:
        holder = Holder.objects.create(pesel="44051401359")
        holder.pesel = "02070803628"
        holder.save(update_fields=["pesel"])  # the hash and the mask are not named
        stored = Holder.objects.get(pk=holder.pk)
        assert stored.pesel_index == blind_index("02070803628")
        assert stored.pesel_masked == "02•••••••••"
        holder.note = "x"
        holder.save(update_fields=["note"])  # nothing else is written
        assert Holder.objects.filter(pesel_index=blind_index("02070803628")).count() == 1
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(Holder)
