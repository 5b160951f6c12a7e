"""The reference-data loader: idempotent, validated before it writes, one transaction."""

import json
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from geo_meldpunt.reference.loading import ReferenceDataError, reference_data_load
from geo_meldpunt.reports.models import Category
from geo_meldpunt.zones.models import Department, RoutingRule, Zone, ZonePart

pytestmark = pytest.mark.django_db

MODELS = (Department, Zone, ZonePart, Category, RoutingRule)
OOSTENDE = Path(settings.BASE_DIR) / "fixtures" / "oostende"
REFERENCE_FILES = ("zones.geojson", "departments.json", "categories.json", "routing_rules.json")


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def stamps() -> dict[str, list]:
    """Last-modified times of every row: a rewrite of an unchanged row would move them."""
    return {
        model.__name__: sorted(model.objects.values_list("id", "updated_at"))
        for model in (Department, Zone, Category, RoutingRule)
    }


def edit(folder: Path, name: str, change) -> None:
    data = json.loads((folder / name).read_text())
    change(data)
    (folder / name).write_text(json.dumps(data))


def test_first_load_writes_every_record(reference_dir):
    summary = reference_data_load(path=reference_dir)

    totals = {kind: sum(c.values()) for kind, c in summary.counts.items()}
    assert totals == {"departments": 4, "zones": 3, "categories": 4, "routing_rules": 4}
    assert summary.changed
    strand = Zone.objects.get(slug="test-strand")
    assert strand.geom.num_geom == 2 and strand.zone_type == "beach" and not strand.approximate
    assert ZonePart.objects.filter(zone=strand).count() >= 2


def test_second_load_changes_nothing(reference_dir):
    reference_data_load(path=reference_dir)
    counts, before, part_ids = row_counts(), stamps(), sorted(ZonePart.objects.values_list("id", flat=True))

    summary = reference_data_load(path=reference_dir)

    for kind, c in summary.counts.items():
        assert c["created"] == c["updated"] == 0, kind
    assert not summary.changed
    assert row_counts() == counts
    assert stamps() == before
    # Parts are not even rebuilt: same rows, same ids.
    assert sorted(ZonePart.objects.values_list("id", flat=True)) == part_ids


def test_categories_keep_list_order_parent_and_department(reference_dir):
    reference_data_load(path=reference_dir)

    litter = Category.objects.get(slug="test-zwerfvuil")
    assert litter.parent.slug == "test-openbare-ruimte"
    assert litter.department.slug == "test-groen"
    assert litter.kinds == ["melding"]
    slugs = list(Category.objects.filter(slug__startswith="test-").order_by("position").values_list("slug", flat=True))
    assert slugs == ["test-openbare-ruimte", "test-zwerfvuil", "test-straatverlichting", "test-dienstverlening"]


def test_rules_are_matched_by_category_zone_type_and_department(reference_dir):
    reference_data_load(path=reference_dir)
    edit(reference_dir, "routing_rules.json", lambda rules: rules[1].update(priority=20, note="Beach, in summer."))

    summary = reference_data_load(path=reference_dir)

    assert summary.counts["routing_rules"] == {"updated": 1, "unchanged": 3}
    rule = RoutingRule.objects.get(category__slug="test-zwerfvuil", zone_type="beach")
    assert (rule.priority, rule.note) == (20, "Beach, in summer.")
    assert RoutingRule.objects.filter(department__slug="test-groen", zone_type="beach").count() == 1


def test_a_changed_name_updates_one_row_only(reference_dir):
    reference_data_load(path=reference_dir)
    edit(reference_dir, "departments.json", lambda deps: deps[1].update(name_en="Roads and streets"))

    summary = reference_data_load(path=reference_dir)

    assert summary.counts["departments"] == {"updated": 1, "unchanged": 3}
    assert Department.objects.get(slug="test-wegen").name_en == "Roads and streets"


def test_a_moved_boundary_rebuilds_that_zones_parts(reference_dir):
    reference_data_load(path=reference_dir)
    old_parts = set(ZonePart.objects.filter(zone__slug="test-centrum").values_list("id", flat=True))
    other_parts = set(ZonePart.objects.exclude(zone__slug="test-centrum").values_list("id", flat=True))

    def widen(collection):
        ring = collection["features"][1]["geometry"]["coordinates"][0]
        ring[1][0] = ring[2][0] = 2.93

    edit(reference_dir, "zones.geojson", widen)
    summary = reference_data_load(path=reference_dir)

    assert summary.counts["zones"] == {"updated": 1, "unchanged": 2}
    new_parts = set(ZonePart.objects.filter(zone__slug="test-centrum").values_list("id", flat=True))
    assert new_parts and not new_parts & old_parts
    assert set(ZonePart.objects.exclude(zone__slug="test-centrum").values_list("id", flat=True)) == other_parts
    assert Zone.objects.get(slug="test-centrum").geom.extent[2] == pytest.approx(2.93)


def test_a_self_intersecting_zone_is_repaired_and_reported(reference_dir):
    def tie(collection):
        collection["features"][1]["geometry"]["coordinates"] = [
            [[2.912, 51.225], [2.928, 51.235], [2.928, 51.225], [2.912, 51.235], [2.912, 51.225]]
        ]

    edit(reference_dir, "zones.geojson", tie)
    summary = reference_data_load(path=reference_dir)

    assert any("test-centrum" in r and "Self-intersection" in r for r in summary.repairs)
    centrum = Zone.objects.get(slug="test-centrum")
    assert centrum.geom.valid and centrum.geom.num_geom == 2
    # Repair is deterministic, so the next load sees the repaired geometry as unchanged.
    assert reference_data_load(path=reference_dir).counts["zones"]["unchanged"] == 3


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        (
            "categories.json",
            lambda cats: cats[1].update(department="test-nobody"),
            "categories.json record 2 (test-zwerfvuil): unknown department 'test-nobody'",
        ),
        (
            "routing_rules.json",
            lambda rules: rules[2].update(zone="test-nowhere"),
            "routing_rules.json record 3 (None): unknown zone 'test-nowhere'",
        ),
        (
            "routing_rules.json",
            lambda rules: rules[0].update(category="test-unknown-category"),
            "unknown category 'test-unknown-category'",
        ),
        (
            "routing_rules.json",
            lambda rules: rules.append(dict(rules[0], priority=3)),
            "the same rule (category, zone, zone_type, department) appears twice",
        ),
        ("routing_rules.json", lambda rules: rules[2].update(zone_type="wijk"), "give a zone or a zone_type, not both"),
        (
            "categories.json",
            lambda cats: cats.insert(0, cats.pop(1)),
            "parent 'test-openbare-ruimte' must be listed before its children",
        ),
        ("categories.json", lambda cats: cats[0].update(kinds=["gerucht"]), "kinds"),
        ("categories.json", lambda cats: cats[0].update(duplicate_radius_m=5000), "duplicate_radius_m"),
        ("categories.json", lambda cats: cats[0].update(answer_day=3), "unknown key 'answer_day'"),
        ("departments.json", lambda deps: deps[1].pop("name_nl"), "missing 'name_nl'"),
        ("departments.json", lambda deps: deps[1].update(email="not-an-address"), "email"),
        ("departments.json", lambda deps: deps[1].update(is_external="yes"), "'is_external' has the wrong type"),
        (
            "departments.json",
            lambda deps: [dep.update(is_coordinator=True) for dep in deps[:2]],
            "only one coordinator department allowed",
        ),
        ("departments.json", lambda deps: deps.append(deps[0]), "slug 'test-meldpunt' appears 2 times"),
        (
            "zones.geojson",
            lambda fc: fc["features"][0]["properties"].update(zone_type="county"),
            "zones.geojson feature 1 (test-stad): zone_type",
        ),
        ("zones.geojson", lambda fc: fc["features"][2].update(geometry=None), "missing or unreadable geometry"),
        (
            "zones.geojson",
            lambda fc: fc["features"][2].update(geometry={"type": "Point", "coordinates": [2.9, 51.2]}),
            "feature 3 (test-strand): geometry is a Point, not a polygon",
        ),
    ],
)
def test_invalid_data_is_refused_with_a_message_and_writes_nothing(reference_dir, name, change, message):
    edit(reference_dir, name, change)
    counts = row_counts()

    with pytest.raises(ReferenceDataError) as excinfo:
        reference_data_load(path=reference_dir)

    assert any(message in error for error in excinfo.value.errors), excinfo.value.errors
    assert row_counts() == counts


def test_a_missing_file_is_named(reference_dir):
    (reference_dir / "routing_rules.json").unlink()

    with pytest.raises(ReferenceDataError, match="routing_rules.json: file missing"):
        reference_data_load(path=reference_dir)


def test_command_prints_a_summary(reference_dir):
    out = StringIO()
    call_command("load_reference_data", path=str(reference_dir), stdout=out)
    call_command("load_reference_data", path=str(reference_dir), stdout=out)

    lines = out.getvalue().splitlines()
    assert "departments: 4 created, 0 updated, 0 unchanged" in lines
    assert "routing rules: 0 created, 0 updated, 4 unchanged" in lines
    assert lines[-1] == "Already up to date."


def test_command_turns_invalid_data_into_a_command_error(reference_dir):
    edit(reference_dir, "categories.json", lambda cats: cats[1].update(department="test-nobody"))

    with pytest.raises(CommandError, match="unknown department 'test-nobody'"):
        call_command("load_reference_data", path=str(reference_dir), stdout=StringIO())


@pytest.mark.skipif(
    not all((OOSTENDE / name).exists() for name in REFERENCE_FILES), reason="Oostende fixtures not complete yet"
)
def test_oostende_loads_twice_quickly_and_the_second_run_changes_nothing():
    started = time.monotonic()
    reference_data_load(path=OOSTENDE)
    first = time.monotonic() - started
    counts = row_counts()

    summary = reference_data_load(path=OOSTENDE)

    assert first < 10
    assert not summary.changed
    assert row_counts() == counts
    assert Zone.objects.filter(zone_type="territory").exists()
