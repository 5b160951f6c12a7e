"""fixtures/oostende/addresses.csv: real Oostende street names at approximate positions, each inside the territory
and in a wijk that fits the street. Reads the files only (shapely, no database)."""

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

OOSTENDE = Path(__file__).resolve().parents[2] / "fixtures" / "oostende"
COLUMNS = ["street", "housenumber", "postcode", "municipality", "lon", "lat", "approximate"]

# Which demo wijk (fixtures/oostende/zones.geojson) each street may lie in. A street in several wijken has a
# stretch ("1-59") in each. Written by hand from the streets' real whereabouts, fitted to the demo wijken.
WIJK_STREETS = {
    "centrum": """Aartshertogstraat|Adolf Buylstraat|Albert I-promenade|Christinastraat|Cockerillkaai|Cockerillstraat|
        Groentemarkt|Hertstraat|James Ensorgaanderij|Kaaistraat|Kapellestraat|Kapucijnenstraat|Kerkstraat|
        Kursaal-Oosthelling|Kursaal-Westhelling|Langestraat|Leopold I-plein|Leopold II-laan|Louisastraat|Madridstraat|
        Maria Hendrikaplein|Marie-Joséplein|Monacoplein|Montgomerykaai|Parijsstraat|Romestraat|Sint-Franciscusstraat|
        Sint-Paulusstraat|Sint-Petrus-en-Paulusplein|Sint-Sebastiaanstraat|Sir Winston Churchillkaai|Van Iseghemlaan|
        Vindictivelaan|Visserskaai|Vlaanderenstraat|Wapenplein|Warschaustraat|Witte Nonnenstraat""",
    "hazegras": """Berthe Tratsaertstraat|Brandariskaai|Ernest Feysplein|Fregatstraat|Graaf de Smet de Naeyerlaan|
        Hendrik Serruyslaan|Jacobsenstraat|Konterdamkaai|Oesterbankstraat|Slachthuiskaai|Verenigde Natieslaan|
        Vrijhavenstraat""",
    "westerkwartier": """Aartshertoginnestraat|Albert I-promenade|Alfons Pieterslaan|August Beernaertstraat|
        Blauwkasteelstraat|Duivenhokstraat|Elisabethlaan|Euphrosine Beernaertstraat|Filip van Maestrichtplein|
        Frère-Orbanstraat|Gelijkheidstraat|Gerechtsplein|Golvenstraat|Koningin Astridlaan|Koninginnelaan|
        Leffingestraat|Nieuwpoortsesteenweg|Oostendse Haardstraat|Overvloedstraat|Prinses Stephanieplein|
        Prof. Jozef Vercoulliestraat|Rogierlaan|Schelpenstraat|Sint-Catharinaplein|Spaarzaamheidstraat|
        Torhoutsesteenweg|Verenigingstraat|Vrijheidstraat|Wellingtonstraat|Werkzaamheidstraat""",
    "mariakerke": """Dinantstraat|Dorpstraat|Duinenstraat|Duinhelmstraat|Irislaan|Koninklijke Baan|Mariakerkelaan|
        Nieuwpoortsesteenweg|Northlaan|Raversijdestraat|Schermplantenstraat|Troonstraat|Wielingenstraat|Wierenstraat|
        Zeedijk""",
    "raversijde": """Duinenstraat|Duinkerkseweg|Kalkaertweg|Koninklijke Baan|Nieuwpoortsesteenweg|Westlaan|Zeedijk|
        Zwaluwenstraat""",
    "petit-paris": "Kardinaal Cardijnplein|Pater Pirelaan|Prof. Mac Leodplein|Torhoutsesteenweg",
    "hoge-barriere": """Cederdreef|Dokter Verhaeghestraat|Gistelsesteenweg|Iependreef|Kanunnik Dr. Louis Colensstraat|
        Kroonlaan|Stuiverstraat""",
    "stene": """Klaverstraat|Provinciegeleedpad|Schorredijk|Steensedijk|Stenedorpstraat|Stuiverstraat|
        Torhoutsesteenweg|Zilverlaan""",
    "buitengebied-stene": "Gistelsesteenweg",
    "konterdam": """Gouwelozestraat|Guido Gezellestraat|IJzerwegstraat|Keignaertlaan|Manitobalaan|Oude Stationsstraat|
        Ringlaan|Sint-Catharinapolderstraat|Steenovenstraat|Vanderstichelenstraat|Zandvoordeschorredijkstraat|
        Zandvoordestraat""",
    "zandvoorde": "Boterbloemstraat|Grintweg|Groenedijkstraat|Kasteelstraat|Oudenburgsesteenweg|Zandvoordedorpstraat",
    "vuurtorenwijk": """Dr. Eduard Moreauxlaan|Fortstraat|Jan Diericksenstraat|Liefkemoresstraat|Schietbaanstraat|
        Sint-Antoniusstraat|Sluizendijkstraat|Thomas Vanloostraat|Van Hembdenstraat|Verstellestraat|Victorialaan|
        Voorhavenlaan|Werktuigkundigenstraat""",
    "opex": "Dr. Eduard Moreauxlaan",
    "oosteroever": "Hendrik Baelskaai|Maritiem Plein|Slipwaykaai|Spinoladijk|Vuurtorenweg|Zeebank",
    "sas-slijkens": "Ringlaan|Slijkensesteenweg",
}
ALLOWED: dict[str, set[str]] = {}
for wijk, names in WIJK_STREETS.items():
    for name in re.split(r"\|", " ".join(names.split())):
        ALLOWED.setdefault(name.strip(), set()).add(wijk)


def read_rows() -> list[dict]:
    with (OOSTENDE / "addresses.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        return list(reader)


ROWS = read_rows()
ZONES = {
    f["properties"]["slug"]: (f["properties"]["zone_type"], shape(f["geometry"]))
    for f in json.loads((OOSTENDE / "zones.geojson").read_text(encoding="utf-8"))["features"]
}
TERRITORY = next(geom for zone_type, geom in ZONES.values() if zone_type == "territory")
WIJKEN = {slug: geom for slug, (zone_type, geom) in ZONES.items() if zone_type == "wijk"}


def test_at_least_150_streets_with_2_or_3_stretches_for_some():
    per_street = Counter(row["street"] for row in ROWS)
    assert len(per_street) >= 150
    assert set(per_street.values()) <= {1, 2, 3}
    assert sum(1 for n in per_street.values() if n > 1) >= 10


def test_every_row_is_well_formed_and_unique():
    keys = Counter((row["street"], row["housenumber"], row["postcode"]) for row in ROWS)
    assert [key for key, n in keys.items() if n > 1] == []
    for row in ROWS:
        assert row["street"] == row["street"].strip() and row["street"]
        assert re.fullmatch(r"(\d{1,5}[A-Z]?|\d{1,5}-\d{1,5})?", row["housenumber"]), row
        assert (row["postcode"], row["municipality"]) == ("8400", "Oostende"), row
        assert re.fullmatch(r"\d\.\d{6}", row["lon"]) and re.fullmatch(r"51\.\d{6}", row["lat"]), row


def test_stretches_of_one_street_do_not_overlap():
    stretches: dict[str, list[tuple[int, int]]] = {}
    for row in ROWS:
        if "-" in row["housenumber"]:
            low, high = map(int, row["housenumber"].split("-"))
            assert low < high, row
            stretches.setdefault(row["street"], []).append((low, high))
    for street, ranges in stretches.items():
        ranges.sort()
        assert all(a[1] < b[0] for a, b in zip(ranges, ranges[1:], strict=False)), street


def test_only_the_wapenplein_is_surveyed():
    (wapenplein,) = [row for row in ROWS if row["street"] == "Wapenplein"]
    assert (wapenplein["lon"], wapenplein["lat"], wapenplein["approximate"]) == ("2.919600", "51.229700", "false")
    assert {row["approximate"] for row in ROWS if row["street"] != "Wapenplein"} == {"true"}


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row['street']} {row['housenumber']}".strip())
def test_each_address_lies_in_the_territory_and_in_a_fitting_wijk(row):
    point = Point(float(row["lon"]), float(row["lat"]))
    assert TERRITORY.covers(point)
    wijken = {slug for slug, geom in WIJKEN.items() if geom.covers(point)}
    assert wijken, "in no wijk"
    assert wijken & ALLOWED[row["street"]], f"in {wijken}, expected one of {ALLOWED[row['street']]}"


def test_the_wijk_list_names_exactly_the_streets_of_the_file():
    assert set(ALLOWED) == {row["street"] for row in ROWS}
