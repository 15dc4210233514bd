"""Postcode -> département -> prefecture routing (pure, no database)."""

import csv
from collections import Counter

import pytest

from anef.territory.postcodes import (
    DATA_FILE,
    DepartementRow,
    UnknownPostcode,
    all_departements,
    departement,
    departement_for_postcode,
    normalise_postcode,
)

CSV_COLUMNS = [
    "code",
    "name",
    "prefecture_code",
    "prefecture_name_fr",
    "prefecture_name_en",
    "prefecture_city",
    "region",
    "overseas",
]

MAINLAND = [f"{n:02d}" for n in range(1, 20)] + ["2A", "2B"] + [f"{n:02d}" for n in range(21, 96)]
OVERSEAS_DEPARTEMENTS = ["971", "972", "973", "974", "976"]
OVERSEAS_COLLECTIVITIES = ["975", "977", "978"]


def test_csv_header_is_exactly_the_documented_columns():
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == CSV_COLUMNS


def test_every_departement_has_exactly_one_row_and_a_prefecture():
    rows = all_departements()
    counts = Counter(row.code for row in rows)
    assert [code for code, n in counts.items() if n != 1] == []
    for row in rows:
        assert isinstance(row, DepartementRow)
        for field in CSV_COLUMNS[:-1]:
            assert getattr(row, field).strip(), (row.code, field)
        assert row.prefecture_code.startswith("pref-")
        assert row.prefecture_name_fr.startswith("Préfecture ")
        assert row.prefecture_name_en.endswith("Prefecture")


def test_all_101_departements_and_the_three_collectivities_are_present():
    assert len(MAINLAND) == 96
    codes = {row.code for row in all_departements()}
    expected = set(MAINLAND) | set(OVERSEAS_DEPARTEMENTS) | set(OVERSEAS_COLLECTIVITIES)
    assert len(set(MAINLAND) | set(OVERSEAS_DEPARTEMENTS)) == 101
    assert codes == expected
    assert not codes & {"20", "986", "987", "988"}


def test_overseas_flag():
    for row in all_departements():
        assert row.overseas is (row.code in OVERSEAS_DEPARTEMENTS + OVERSEAS_COLLECTIVITIES)


def test_prefecture_codes_are_unique_except_the_shared_977_978_one():
    counts = Counter(row.prefecture_code for row in all_departements())
    assert {code: n for code, n in counts.items() if n > 1} == {"pref-977-978": 2}


def test_paris_goes_to_the_police_prefecture():
    paris = departement(departement_for_postcode("75015"))
    assert paris.code == "75"
    assert paris.prefecture_code == "pref-police-paris"
    assert paris.prefecture_name_fr == "Préfecture de police de Paris"
    assert paris.prefecture_name_en == "Paris Police Prefecture"
    assert paris.region == "Île-de-France"


def test_saint_barthelemy_and_saint_martin_share_a_prefecture():
    sbh, sxm = departement("977"), departement("978")
    assert sbh.prefecture_code == sxm.prefecture_code == "pref-977-978"
    assert sbh.prefecture_name_fr == ("Préfecture de Saint-Barthélemy et de Saint-Martin")


@pytest.mark.parametrize(
    ("code", "name_fr", "city"),
    [
        ("01", "Préfecture de l'Ain", "Bourg-en-Bresse"),
        ("33", "Préfecture de la Gironde", "Bordeaux"),
        ("69", "Préfecture du Rhône", "Lyon"),
        ("92", "Préfecture des Hauts-de-Seine", "Nanterre"),
        ("2A", "Préfecture de la Corse-du-Sud", "Ajaccio"),
        ("2B", "Préfecture de la Haute-Corse", "Bastia"),
        ("77", "Préfecture de Seine-et-Marne", "Melun"),
        ("78", "Préfecture des Yvelines", "Versailles"),
        ("91", "Préfecture de l'Essonne", "Évry-Courcouronnes"),
        ("93", "Préfecture de la Seine-Saint-Denis", "Bobigny"),
        ("94", "Préfecture du Val-de-Marne", "Créteil"),
        ("95", "Préfecture du Val-d'Oise", "Cergy"),
        ("971", "Préfecture de la Guadeloupe", "Basse-Terre"),
        ("972", "Préfecture de la Martinique", "Fort-de-France"),
        ("973", "Préfecture de la Guyane", "Cayenne"),
        ("974", "Préfecture de La Réunion", "Saint-Denis"),
        ("975", "Préfecture de Saint-Pierre-et-Miquelon", "Saint-Pierre"),
        ("976", "Préfecture de Mayotte", "Mamoudzou"),
    ],
)
def test_sample_prefectures(code, name_fr, city):
    row = departement(code)
    assert row.prefecture_name_fr == name_fr
    assert row.prefecture_city == city


def test_rhone_slug_and_english_name():
    row = departement("69")
    assert row.prefecture_code == "pref-69"
    assert row.prefecture_name_en == "Rhône Prefecture"
    assert row.region == "Auvergne-Rhône-Alpes"
    assert row.overseas is False


def test_unknown_departement_raises_key_error():
    with pytest.raises(KeyError):
        departement("20")
    with pytest.raises(KeyError):
        departement("987")


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [
        ("69001", "69"),
        ("33000", "33"),
        ("75015", "75"),
        ("75116", "75"),
        ("20000", "2A"),
        ("20090", "2A"),
        ("20167", "2A"),
        ("20190", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97400", "974"),
        ("97110", "971"),
        ("97200", "972"),
        ("97300", "973"),
        ("97133", "977"),
        ("97150", "978"),
        ("97500", "975"),
        ("97600", "976"),
        ("01000", "01"),
        ("95000", "95"),
    ],
)
def test_real_postcodes_map_to_their_departement(postcode, expected):
    assert departement_for_postcode(postcode) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "7500",
        "750011",
        "ABCDE",
        "75O15",
        "98000",
        "98800",
        "98714",
        "00100",
        "96000",
        "97700",
        "97800",
        "20700",
    ],
)
def test_invalid_or_out_of_scope_postcodes_raise(value):
    with pytest.raises(UnknownPostcode):
        departement_for_postcode(value)


def test_unknown_postcode_is_a_value_error():
    assert issubclass(UnknownPostcode, ValueError)


@pytest.mark.parametrize("value", ["75 015", " 75015 ", "75\u00a0015", "75\u202f015", "7 5 0 1 5"])
def test_spaces_are_accepted(value):
    assert normalise_postcode(value) == "75015"
    assert departement_for_postcode(value) == "75"


@pytest.mark.parametrize("value", ["", "7500", "750011", "ABCDE", "75-015"])
def test_normalise_rejects_non_five_digit_values(value):
    with pytest.raises(UnknownPostcode):
        normalise_postcode(value)


def test_all_departements_returns_a_fresh_list():
    first = all_departements()
    first.clear()
    assert len(all_departements()) == 104
