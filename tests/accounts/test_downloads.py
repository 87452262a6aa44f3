"""The one CSV writer and the file-download response every download uses."""

import io

import pytest

from accounts.downloads import FORMULA_STARTS, csv_download, file_download, safe_cell


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_it_neutralises_every_formula_start(start):
    assert start in FORMULA_STARTS
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["Anna", "406,00", "", "1=1", "a-b", "'quoted"])
def test_it_leaves_ordinary_cells_alone(value):
    assert safe_cell(value) == value


def test_it_writes_none_and_numbers_as_text():
    assert safe_cell(None) == ""
    assert safe_cell(-5) == "'-5"
    assert safe_cell(7) == "7"


def test_the_csv_has_a_bom_semicolons_and_safe_cells():
    response = csv_download([["Nazwa", "Kwota"], ["=1+1", "12,50"]], filename="x.csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body == "\ufeffNazwa;Kwota\r\n'=1+1;12,50\r\n"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["Cache-Control"] == "no-store"


def test_a_download_carries_the_private_headers_and_a_safe_name():
    response = file_download(b"%PDF-1", filename="Zaświadczenie.pdf")
    assert response.content == b"%PDF-1"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Za%C5%9Bwiadczenie.pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_open_file_is_streamed():
    response = file_download(io.BytesIO(b"abc"), filename="a.pdf")
    assert b"".join(response.streaming_content) == b"abc"  # type: ignore[attr-defined]
    assert response["Content-Length"] == "3"
