"""Reading a typed address: the street part and the house number, without a database."""

import pytest

from geo_meldpunt.geocoding.text import number_range, number_value, split_housenumber


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Kapellestraat 12", ("Kapellestraat", "12")),
        ("kapelle", ("kapelle", None)),
        ("  Kapellestraat   12  ", ("Kapellestraat", "12")),
        ("Kapellestraat 12a", ("Kapellestraat", "12A")),
        ("Kapellestraat 12 A", ("Kapellestraat", "12A")),
        ("Kapellestraat 12 bus 3", ("Kapellestraat", "12")),
        ("Kapellestraat 12/3", ("Kapellestraat", "12")),
        ("Kapellestraat 012", ("Kapellestraat", "12")),
        ("Kapellestraat, 12", ("Kapellestraat", "12")),
        ("Kapellestraat 12, 8400 Oostende", ("Kapellestraat", "12")),
        ("Kapellestraat 12 8400 Oostende", ("Kapellestraat", "12")),
        ("Kapellestraat, 8400 Oostende", ("Kapellestraat", None)),
        ("12 Kapellestraat", ("Kapellestraat", "12")),
        ("Albert I-promenade 77", ("Albert I-promenade", "77")),
        ("Leopold II-laan", ("Leopold II-laan", None)),
        ("Dr. Eduard Moreauxlaan 5", ("Dr. Eduard Moreauxlaan", "5")),
        ("12", ("12", None)),
        ("", ("", None)),
    ],
)
def test_split_housenumber(typed, expected):
    assert split_housenumber(typed) == expected


def test_numbers_and_stretches():
    assert number_value("12A") == 12 and number_value("12") == 12
    assert number_value("") is None and number_value("1-59") is None
    assert number_range("1-59") == (1, 59) and number_range("59-1") == (1, 59)
    assert number_range("12") is None and number_range("") is None
