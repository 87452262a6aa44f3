import random

import gsm0338  # noqa: F401 - registers the "gsm03.38" codec
import pytest

from notifications.sms import gsm7


def codec_septets(text: str) -> int:
    return len(text.encode("gsm03.38"))


def test_it_agrees_with_the_gsm0338_codec_on_every_character() -> None:
    for char in gsm7.BASIC + gsm7.EXTENSION:
        assert gsm7.septets(char) == codec_septets(char), repr(char)
    for char in "ąęłóśźżćńĄŁ€„”–…\u00a0αЖ😀":
        if gsm7.septets(char) == 0:
            with pytest.raises(UnicodeEncodeError):
                char.encode("gsm03.38")


def test_it_agrees_with_the_codec_on_random_texts() -> None:
    rng = random.Random(7)
    alphabet = gsm7.BASIC + gsm7.EXTENSION * 3
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        assert gsm7.length(text) == codec_septets(text)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("a" * 159 + "€", 2),
        # 152 plain then an escape pair: the pair moves whole to the second part,
        # so 306 septets need three parts here where 306 plain ones fit in two.
        ("a" * 152 + "[" + "a" * 151, 2),
        ("a" * 152 + "[" + "a" * 152, 3),
    ],
)
def test_it_counts_parts_as_gsm_03_38(text: str, parts: int) -> None:
    assert gsm7.parts(text) == parts


def test_it_names_each_non_gsm_character_with_its_plain_letter() -> None:
    found = gsm7.offenders("Zażółć gęślą jaźń „x”")
    assert [(o.char, o.replacement) for o in found][:4] == [
        ("ż", "z"),
        ("ó", "o"),
        ("ł", "l"),
        ("ć", "c"),
    ]
    assert ("„", '"') in [(o.char, o.replacement) for o in found]


def test_it_transliterates_field_values() -> None:
    assert gsm7.transliterate("Łukasz Wójcik, ul. Źródlana 5") == "Lukasz Wojcik, ul. Zrodlana 5"
    assert gsm7.transliterate("Ä é ñ") == "Ä é ñ"  # these are GSM-7 already
    assert gsm7.is_gsm7(gsm7.transliterate("Привет ☃"))
