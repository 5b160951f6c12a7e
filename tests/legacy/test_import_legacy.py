"""The old cards come in: `manage.py import_legacy_reports`, dry by default, idempotent, mailing nobody.

The example register in fixtures/legacy/ holds three good rows and six bad ones (an unknown category, an address
the city does not know, 31 February, one card number on two lines, a place at sea); these tests import it as a
clerk would, from a copy in a temporary folder (the rejects file is written beside it).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.notifications.models import OutgoingEmail
from geo_meldpunt.reports.models import Category, Channel, Kind, ReferenceCounter, Report, ReportEvent, Status
from geo_meldpunt.reports.selectors import overdue_digest_data, public_reports
from geo_meldpunt.reports.services import imports, report_create, report_transition
from geo_meldpunt.staff.groups import COORDINATOR
from tests.factories import WAPENPLEIN, point_at
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "legacy"
MAPPING = FIXTURES / "mapping.example.json"
GOOD = ("K-2021-0001", "K-2021-0002", "K-2022-0003")


@pytest.fixture
def cards(tmp_path) -> Path:
    path = tmp_path / "kaarten.csv"
    shutil.copy(FIXTURES / "signal-cards.example.csv", path)
    return path


def run(path: Path, *, mapping: Path = MAPPING, **options) -> str:
    out = StringIO()
    call_command("import_legacy_reports", str(path), mapping=str(mapping), stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def rejects(path: Path) -> dict[str, str]:
    """Reason per original reference (the last line's, for a reference on two lines), from the rejects file."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    return {row["Kaartnr"]: row["reden"] for row in rows}


def imported() -> dict[str, Report]:
    return {r.original_reference: r for r in Report.objects.filter(channel=Channel.LEGACY)}


def test_a_dry_run_says_what_would_be_imported_writes_the_rejects_and_nothing_else(cards):
    counters = list(ReferenceCounter.objects.values_list("prefix", "year", "last"))

    out = run(cards)

    assert "Rijen gelezen: 9" in out
    assert "Zou importeren: 3" in out
    assert "Geweigerd: 6" in out
    assert "onbekende categorie: 1" in out
    assert "rijen/s" in out
    assert "Proefdraai" in out
    assert Report.objects.filter(channel=Channel.LEGACY).count() == 0
    # Not even a reference number was taken.
    assert list(ReferenceCounter.objects.values_list("prefix", "year", "last")) == counters
    reasons = rejects(cards.with_name("kaarten-rejects.csv"))
    assert set(reasons) == {"K-2022-0004", "K-2022-0005", "K-2022-0006", "K-2022-0007", "K-2022-0008"}
    assert reasons["K-2022-0004"] == "Onbekende categorie: “Straatkatten”."
    assert reasons["K-2022-0005"] == "Adres niet gevonden: “Onbestaandestraat 7”."
    assert reasons["K-2022-0006"] == "Datum niet begrepen: “31/02/2022”."
    assert "K-2022-0007" in reasons["K-2022-0007"] and "8, 9" in reasons["K-2022-0007"]
    assert reasons["K-2022-0008"].startswith("Plaats buiten de stad")


def test_the_rejects_file_keeps_each_rejected_row_as_it_came_with_its_line(cards):
    run(cards)
    with cards.with_name("kaarten-rejects.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    with cards.open(encoding="utf-8-sig", newline="") as f:
        original = list(csv.reader(f, delimiter=";"))
    assert rows[0] == [*original[0], "reden", "regel"]
    assert [row[-1] for row in rows[1:]] == ["5", "6", "7", "8", "9", "10"]
    assert [row[:-2] for row in rows[1:]] == original[4:10]


def test_commit_imports_the_good_rows_with_their_dates_references_and_departments(cards):
    out = run(cards, commit=True)

    assert "Geïmporteerd: 3" in out
    reports = imported()
    assert set(reports) == set(GOOD)

    beach = reports["K-2021-0001"]  # coordinates, no department: routed as a new report would be
    assert timezone.localtime(beach.created_at).date() == dt.date(2021, 3, 4)
    assert beach.reference.startswith("OST-2021-")
    assert beach.department.slug == "strand"  # litter on the beach strip goes to the beach service
    assert beach.zone is not None and beach.zone.slug == "strand"
    assert beach.status == Status.AFGESLOTEN
    assert beach.answer == "De strandploeg heeft het afval opgeruimd."
    assert timezone.localtime(beach.closed_at).date() == dt.date(2021, 3, 8)
    assert beach.address  # named after the nearest known address, as a pin on the map is
    assert beach.reporter_email == "jan.peeters@example.be"
    received = beach.events.get(event_type=ReportEvent.Type.CREATED)
    assert timezone.localtime(received.created_at).date() == dt.date(2021, 3, 4)
    answer = beach.events.get(event_type=ReportEvent.Type.ANSWER)
    assert answer.to_status == Status.AFGESLOTEN and answer.public
    assert timezone.localtime(answer.created_at).date() == dt.date(2021, 3, 8)
    origin = beach.events.get(event_type=ReportEvent.Type.NOTE)
    assert "K-2021-0001" in origin.note and not origin.public

    pothole = reports["K-2021-0002"]  # an address, and a department named ("OW" in the value map)
    assert pothole.department.slug == "openbare-werken"
    assert pothole.kind == Kind.KLACHT
    assert pothole.status == Status.IN_BEHANDELING
    assert pothole.address == "Torhoutsesteenweg 350, 8400 Oostende"
    assert pothole.point is not None
    assert timezone.localtime(pothole.created_at) == dt.datetime(2021, 6, 15, 9, 30, tzinfo=BRUSSELS)

    idea = reports["K-2022-0003"]  # "Idee" mapped to a suggestion, routed by its category's rule
    assert idea.kind == Kind.SUGGESTIE
    assert idea.status == Status.NIEUW
    assert idea.department.slug == "mobiliteit"
    assert idea.reference.startswith("OST-2022-")

    # Old cases: nobody is mailed, not the reporter, not a department.
    assert OutgoingEmail.objects.count() == 0


def test_a_second_commit_imports_nothing_new(cards):
    run(cards, commit=True)
    references = sorted(Report.objects.filter(channel=Channel.LEGACY).values_list("reference", flat=True))

    out = run(cards, commit=True)

    assert "Geïmporteerd: 0" in out
    assert "Overgeslagen, al eerder geïmporteerd: 3" in out
    assert sorted(Report.objects.filter(channel=Channel.LEGACY).values_list("reference", flat=True)) == references


def test_corrected_rejects_can_be_imported_again_with_the_same_mapping(cards):
    run(cards, commit=True)
    fixed = cards.with_name("kaarten-rejects.csv")
    fixed.write_text(fixed.read_text(encoding="utf-8-sig").replace("Straatkatten", "dier-verwaarloosd"), "utf-8-sig")

    out = run(fixed, commit=True, rejects=str(cards.with_name("opnieuw-rejects.csv")))

    assert "Geïmporteerd: 1" in out
    assert imported()["K-2022-0004"].category.slug == "dier-verwaarloosd"


def test_open_cases_count_their_deadlines_from_the_import_and_closed_ones_raise_no_alarm(cards):
    run(cards, commit=True)
    today = timezone.localdate()
    reports = imported()

    assert reports["K-2021-0001"].answer_due < today  # history: the deadline of its own time, long past
    for reference in ("K-2021-0002", "K-2022-0003"):
        assert reports[reference].acknowledge_due > today
        assert reports[reference].answer_due > today
    digest = overdue_digest_data(on=today)
    listed = {item.report.pk for d in digest.departments for item in d.overdue} | {
        r.pk for d in digest.departments for r in d.due_soon
    }
    assert not listed & {r.pk for r in reports.values()}
    assert digest.breaches == []


def test_a_city_may_count_open_cases_from_their_original_date_without_breach_alarms(cards, tmp_path):
    mapping = json.loads(MAPPING.read_text()) | {"deadlines_from_original": True}
    (tmp_path / "mapping.json").write_text(json.dumps(mapping))
    run(cards, mapping=tmp_path / "mapping.json", commit=True)
    pothole = imported()["K-2021-0002"]

    digest = overdue_digest_data(on=timezone.localdate())

    assert pothole.answer_due < timezone.localdate()
    assert pothole.pk in {item.report.pk for d in digest.departments for item in d.overdue}
    assert digest.breaches == []  # missed years ago, not since yesterday's digest


def test_an_imported_open_case_is_handled_as_any_other_afterwards(cards):
    run(cards, commit=True)
    pothole = imported()["K-2021-0002"]
    coordinator = staff_user(COORDINATOR)

    answered = report_transition(report=pothole, to=Status.BEANTWOORD, by=coordinator, note="Hersteld.")

    assert answered.status == Status.BEANTWOORD


def test_an_excel_workbook_imports_like_a_csv_file(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Kaarten"
    sheet.append(["Kaartnr", "Datum", "Categorie", "Adres", "X", "Y", "Omschrijving", "Status", "Dienst"])
    # A workbook's times carry no zone: they are the city's.
    written = dt.datetime(2020, 11, 5, 14, 0, tzinfo=BRUSSELS).replace(tzinfo=None)
    sheet.append([1042, written, "Sluikstort", "Kapellestraat 80", None, None, "Matras", "x", ""])
    sheet.append([1043, dt.date(2020, 11, 6), "zwerfvuil", None, 2.9196, 51.2297, "Blikjes", "Afgehandeld", "Groen"])
    sheet.append([1044, "gisteren", "zwerfvuil", "Wapenplein", None, None, "Papier", "Afgehandeld", ""])
    path = tmp_path / "register.xlsx"
    workbook.save(path)
    mapping = {
        "columns": {
            "original_reference": "Kaartnr", "date": "Datum", "category": "Categorie", "address": "Adres",
            "x": "X", "y": "Y", "description": "Omschrijving", "status": "Status", "department": "Dienst",
        },
        "sheet": "Kaarten",
        "defaults": {"kind": "melding"},
        "values": {"status": {"x": "afgesloten", "Afgehandeld": "afgesloten"}, "department": {"Groen": "groendienst"}},
    }  # fmt: skip
    (tmp_path / "mapping.json").write_text(json.dumps(mapping))

    out = run(path, mapping=tmp_path / "mapping.json", commit=True)

    assert "Geïmporteerd: 2" in out
    reports = imported()
    assert timezone.localtime(reports["1042"].created_at) == dt.datetime(2020, 11, 5, 14, 0, tzinfo=BRUSSELS)
    assert reports["1042"].address.startswith("Kapellestraat")
    assert reports["1042"].department.slug == "netheid"
    assert reports["1043"].department.slug == "groendienst"
    assert rejects_xlsx(tmp_path / "register-rejects.csv") == {"1044": "Datum niet begrepen: “gisteren”."}


def rejects_xlsx(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return {row["Kaartnr"]: row["reden"] for row in csv.DictReader(f, delimiter=";")}


def test_lambert_72_coordinates_are_placed_in_wgs84(tmp_path):
    path = tmp_path / "lambert.csv"
    path.write_text("nr,datum,cat,x,y,tekst\nL-1,2023-05-02,zwerfvuil,48780,214294,Blikjes\n", encoding="utf-8")
    mapping = {
        "columns": {"original_reference": "nr", "date": "datum", "category": "cat", "x": "x", "y": "y",
                    "description": "tekst"},
        "srid": 31370,
        "defaults": {"kind": "melding", "status": "afgesloten"},
    }  # fmt: skip
    (tmp_path / "mapping.json").write_text(json.dumps(mapping))

    run(path, mapping=tmp_path / "mapping.json", commit=True)

    point = imported()["L-1"].point
    assert point.distance(point_at(*WAPENPLEIN)) < 0.002  # the Wapenplein, within about a hundred metres


def test_a_mapping_naming_a_column_the_file_lacks_is_refused_before_any_row(cards, tmp_path):
    mapping = json.loads(MAPPING.read_text())
    mapping["columns"]["date"] = "Datum melding"
    (tmp_path / "mapping.json").write_text(json.dumps(mapping))

    with pytest.raises(CommandError, match="Datum melding"):
        run(cards, mapping=tmp_path / "mapping.json", commit=True)
    assert Report.objects.filter(channel=Channel.LEGACY).count() == 0


def test_a_mapping_with_mistakes_lists_them_all(cards, tmp_path):
    (tmp_path / "mapping.toml").write_text(
        '[columns]\noriginal_reference = "Kaartnr"\ndatum = "Datum"\n[values.status]\nKlaar = "klaar"\n'
    )

    with pytest.raises(CommandError) as refused:
        run(cards, mapping=tmp_path / "mapping.toml")

    message = str(refused.value)
    assert "datum" in message  # not a field
    assert "klaar" in message  # not a status
    assert "category" in message and "description" in message  # required columns missing


def test_the_progress_bar_goes_to_stderr_on_request(cards):
    err = StringIO()
    call_command(
        "import_legacy_reports", str(cards), mapping=str(MAPPING), progress=True, stdout=StringIO(), stderr=err
    )
    assert "9/9" in err.getvalue()


def test_the_back_office_shows_the_original_reference(cards, client):
    run(cards, commit=True)
    report = imported()["K-2021-0002"]
    client.force_login(staff_user(COORDINATOR))

    html = client.get(f"/behandeling/meldingen/{report.reference}/").content.decode()

    assert "data-original-reference>K-2021-0002 " in html
    assert "signaalkaart (geïmporteerd)" in html


def test_no_form_or_app_files_a_report_on_the_channel_of_imported_cards():
    category = Category.objects.get(slug="zwerfvuil")
    with pytest.raises(ApplicationError) as refused:
        report_create(
            kind=Kind.MELDING,
            category=category,
            point=point_at(*WAPENPLEIN),
            description="Blikjes",
            channel=Channel.LEGACY,
            created_by=staff_user(COORDINATOR),
        )
    assert refused.value.field == "channel"


def test_a_row_that_fails_while_written_leaves_nothing_behind_and_the_others_go_on(cards, monkeypatch):
    real = imports._history_write

    def failing(*, report, case, **kwargs):
        if case.original_reference == "K-2021-0002":
            raise ApplicationError("De schijf is vol.", code="disk_full")
        real(report=report, case=case, **kwargs)

    monkeypatch.setattr(imports, "_history_write", failing)

    out = run(cards, commit=True)

    assert "Geïmporteerd: 2" in out
    assert set(imported()) == {"K-2021-0001", "K-2022-0003"}
    assert not ReportEvent.objects.filter(note__contains="K-2021-0002").exists()
    assert rejects(cards.with_name("kaarten-rejects.csv"))["K-2021-0002"] == "De schijf is vol."


def test_a_compliment_comes_in_only_with_a_status_of_its_own_flow(tmp_path):
    path = tmp_path / "complimenten.csv"
    path.write_text(
        "nr;datum;soort;cat;tekst;status\n"
        "C-1;03/01/2022;compliment;compliment-medewerker;Vriendelijk onthaal;doorgegeven\n"
        "C-2;04/01/2022;compliment;compliment-medewerker;Snelle hulp;in_behandeling\n"
        "C-3;05/01/2022;melding;zwerfvuil;Blikjes;samengevoegd\n",
        encoding="utf-8",
    )
    mapping = {
        "columns": {"original_reference": "nr", "date": "datum", "kind": "soort", "category": "cat",
                    "description": "tekst", "status": "status"},
    }  # fmt: skip
    (tmp_path / "mapping.json").write_text(json.dumps(mapping))

    run(path, mapping=tmp_path / "mapping.json", commit=True)

    assert set(imported()) == {"C-1"}
    assert imported()["C-1"].answer_due is None
    reasons = rejects_xlsx_like(tmp_path / "complimenten-rejects.csv", key="nr")
    assert reasons == {
        "C-2": "Een compliment kan niet geïmporteerd worden met status “in behandeling”.",
        "C-3": "Een melding kan niet geïmporteerd worden met status “samengevoegd”.",
    }


def rejects_xlsx_like(path: Path, *, key: str) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return {row[key]: row["reden"] for row in csv.DictReader(f, delimiter=";")}


def test_a_description_over_several_lines_stays_whole_and_lines_are_counted_as_rows(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "nr;datum;cat;tekst\n"
        'M-1;03/01/2022;zwerfvuil;"Blikjes\nen flessen;\nlangs het water"\n'
        "M-2;04/01/2022;onbekend;Papier\n",
        encoding="utf-8",
    )
    mapping = {
        "columns": {"original_reference": "nr", "date": "datum", "category": "cat", "description": "tekst"},
        "defaults": {"kind": "suggestie", "status": "afgesloten"},
    }
    (tmp_path / "mapping.json").write_text(json.dumps(mapping))

    run(path, mapping=tmp_path / "mapping.json", commit=True)

    assert imported()["M-1"].description == "Blikjes\nen flessen;\nlangs het water"
    with (tmp_path / "export-rejects.csv").open(encoding="utf-8-sig", newline="") as f:
        [reject] = list(csv.DictReader(f, delimiter=";"))
    assert (reject["nr"], reject["regel"]) == ("M-2", "3")


def test_a_cards_text_is_shown_to_the_reporter_only_where_the_status_shows_one(tmp_path):
    path = tmp_path / "teksten.csv"
    path.write_text(
        "nr;datum;status;tekst;antwoord\n"
        "T-1;03/01/2022;niet_ontvankelijk;Reclame;Dit is geen melding.\n"
        "T-2;04/01/2022;in_behandeling;Blikjes;Ploeg gebeld, komt vrijdag.\n",
        encoding="utf-8",
    )
    mapping = {
        "columns": {"original_reference": "nr", "date": "datum", "status": "status", "description": "tekst",
                    "answer": "antwoord", "category": "tekst"},
        "values": {"category": {"Reclame": "zwerfvuil", "Blikjes": "zwerfvuil"}},
        "defaults": {"kind": "suggestie"},
    }  # fmt: skip
    (tmp_path / "mapping.json").write_text(json.dumps(mapping))

    run(path, mapping=tmp_path / "mapping.json", commit=True)

    refused, open_case = imported()["T-1"], imported()["T-2"]
    assert refused.events.get(public=True, to_status=Status.NIET_ONTVANKELIJK).note == "Dit is geen melding."
    assert refused.answer == ""  # not an answer: the reason it was refused
    assert open_case.events.get(to_status=Status.IN_BEHANDELING).note == ""
    assert "Ploeg gebeld, komt vrijdag." in open_case.events.get(public=False).note


def test_a_file_that_is_no_workbook_is_refused_with_a_message(tmp_path):
    path = tmp_path / "kaarten.xlsx"
    path.write_text("Kaartnr;Datum\nK-1;03/01/2022\n", encoding="utf-8")

    with pytest.raises(CommandError, match="Excel"):
        run(path)


def test_old_solved_cases_do_not_light_up_on_the_public_map_on_the_day_of_import(cards):
    run(cards, commit=True)

    shown = set(public_reports().filter(channel=Channel.LEGACY).values_list("original_reference", flat=True))

    assert "K-2021-0001" not in shown  # closed in March 2021
    assert "K-2022-0003" in shown  # an open suggestion: it is going on now
    # Open too, but a klacht (the card's "Soort"): a kind never shown publicly (reports.choices.PUBLIC_KINDS).
    assert "K-2021-0002" not in shown
