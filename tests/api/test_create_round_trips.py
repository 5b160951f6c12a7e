"""POST /api/v1/reports/ as production runs it: outside any test transaction, every write committed for real.

Filing is one statement in autocommit (no e-mail, no photo), or two round trips in one transaction sent through a
psycopg pipeline (reports/services/filing.py). These tests check what is stored, what each variant sends to
PostgreSQL, that a failure half-way leaves nothing (rows, files, reference numbers), and that the reference data
each process keeps in memory follows an admin change at once.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image
from psycopg import pq

from geo_meldpunt.notifications import dispatch
from geo_meldpunt.notifications.models import EmailTemplate, OutgoingEmail, TemplateKey
from geo_meldpunt.reports.models import (
    Category,
    IdempotencyKey,
    Kind,
    ReferenceCounter,
    Regulation,
    Report,
    ReportEvent,
    ReportPhoto,
    Status,
)
from geo_meldpunt.reports.services import filing
from geo_meldpunt.zones.models import Department
from tests.factories import WAPENPLEIN, image_bytes, upload

URL = "/api/v1/reports/"
LON, LAT = WAPENPLEIN

pytestmark = pytest.mark.usefixtures("reference_data_reloaded")


@pytest.fixture
def category():
    return (
        Category.objects.filter(active=True, kinds__contains=[Kind.MELDING], parent__isnull=False, is_public=True)
        .order_by("id")
        .first()
    )


@pytest.fixture
def queued(monkeypatch) -> list[tuple[int, bool]]:
    """E-mails handed to the broker: (id, whether the connection was outside any transaction by then)."""
    calls: list[tuple[int, bool]] = []

    def enqueue(email_id: int) -> bool:
        calls.append((email_id, connection.connection.info.transaction_status == pq.TransactionStatus.IDLE))
        return True

    monkeypatch.setattr(filing, "enqueue", enqueue)
    return calls


def body(category, **extra) -> dict:
    return {
        "kind": "melding",
        "category": category.slug,
        "lat": LAT,
        "lon": LON,
        "description": "Gat in de weg.",
        **extra,
    }


def statements(ctx) -> list[str]:
    return [" ".join(q["sql"].split())[:60] for q in ctx.captured_queries]


def steps(sent: list[str]) -> list[str]:
    """What each statement is: routing's read, the filing statement, or its first word (BEGIN, INSERT, ...)."""
    names = {"WITH category AS": "route", "WITH v AS": "file"}
    return [next((n for p, n in names.items() if s.startswith(p)), s.split()[0]) for s in sent]


def post(client, data, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(URL, data, format=extra.pop("format", "json"), **extra)
    return response, statements(ctx)


def test_each_variant_stores_everything_in_the_fewest_statements(api_client, category, queued, settings):
    # The process loads its reference data (categories, regulation, e-mail templates) once.
    post(api_client, body(category, reporter_email="melder@example.org"))
    queued.clear()

    # Without e-mail: routing's one read, then one statement, its own transaction (no BEGIN, no COMMIT).
    response, sent = post(api_client, body(category))
    assert response.status_code == 201, response.content
    assert steps(sent) == ["route", "file"], sent
    report = Report.objects.get(reference=response.json()["reference"])
    assert (report.status, report.category, report.department.slug) == (
        Status.NIEUW,
        category,
        response.json()["department"]["slug"],
    )
    event = ReportEvent.objects.get(report=report)
    assert (event.event_type, event.to_status, event.note) == ("created", Status.NIEUW, report.routing_reason)
    assert response.json()["tracking_token"] == report.tracking_token
    assert response.json()["expected_answer_date"] == report.answer_due.isoformat()

    # With an e-mail address: the outbox row goes in the same one statement.
    response, sent = post(api_client, body(category, reporter_email="melder@example.org"))
    assert response.status_code == 201
    assert steps(sent) == ["route", "file"], sent
    reference = response.json()["reference"]
    email = OutgoingEmail.objects.get(report__reference=reference)
    assert (email.template_key, email.to, email.status) == (TemplateKey.ACKNOWLEDGEMENT, "melder@example.org", "queued")
    assert email.dedupe_key == f"{TemplateKey.ACKNOWLEDGEMENT}:{email.report_id}"
    assert reference in email.subject and reference in email.body
    assert "418736" not in email.subject + email.body
    assert queued == [(email.pk, True)], "queued for sending once, after COMMIT"

    # A template that does more with the reference than show it: rendered with the real one, in two round trips.
    EmailTemplate.objects.update_or_create(
        key=TemplateKey.ACKNOWLEDGEMENT,
        language="nl",
        defaults={
            "subject": "Melding nummer {{ reference|slice:'-6:'|add:0 }}",
            "body": "Uw melding {{ reference }} ({{ reference|length }} tekens).",
        },
    )
    post(api_client, body(category, reporter_email="melder@example.org"))  # the next filing reloads the templates
    queued.clear()
    response, sent = post(api_client, body(category, reporter_email="melder@example.org"))
    assert steps(sent) == ["route", "BEGIN", "file", "INSERT", "COMMIT"], sent
    reference = response.json()["reference"]
    email = OutgoingEmail.objects.get(report__reference=reference)
    assert email.subject == f"Melding nummer {int(reference[-6:])}"
    assert email.body == f"Uw melding {reference} ({len(reference)} tekens).\n"
    assert queued == [(email.pk, True)]
    # So does a description that holds the stand-in the one statement would replace.
    EmailTemplate.objects.filter(key=TemplateKey.ACKNOWLEDGEMENT).update(
        subject="Ontvangen: {{ reference }}", body="{{ reference }}: {{ description }}"
    )
    post(api_client, body(category, reporter_email="melder@example.org"))
    typed = f"Zie ook OST-{reference.split('-')[1]}-418736."
    response, sent = post(api_client, body(category, reporter_email="melder@example.org", description=typed))
    assert len(sent) == 5, sent
    email = OutgoingEmail.objects.get(report__reference=response.json()["reference"])
    assert email.body == f"{response.json()['reference']}: {typed}\n"

    # Multipart with two photos: their files and one INSERT for both rows, in the same transaction.
    photos = [upload(f"{i}.jpg", image_bytes(size=(640, 480))) for i in range(2)]
    response, sent = post(api_client, body(category, photos=photos), format="multipart")
    assert response.status_code == 201
    assert steps(sent) == ["route", "BEGIN", "file", "INSERT", "COMMIT"], sent
    stored = list(ReportPhoto.objects.filter(report__reference=response.json()["reference"]))
    assert len(stored) == 2
    for photo in stored:
        assert (photo.width, photo.height) == (640, 480)
        with Image.open(photo.image.path) as image:
            assert image.size == (640, 480)
        assert response.json()["reference"] in photo.image.name

    # An Idempotency-Key: the key row goes in with the report, in the same one statement.
    key = str(uuid.uuid4())
    first, sent = post(api_client, body(category), HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201 and len(sent) == 2, sent
    repeat, sent = post(api_client, body(category), HTTP_IDEMPOTENCY_KEY=key)
    assert (repeat.status_code, repeat.json()["reference"]) == (200, first.json()["reference"])
    assert repeat.json() == first.json()
    assert len(sent) == 4, sent  # routing, the statement (writes nothing), the key, the report
    other, _ = post(api_client, body(category, description="Iets anders."), HTTP_IDEMPOTENCY_KEY=key)
    assert other.status_code == 422
    assert "idempotency_key" in other.json()
    assert IdempotencyKey.objects.get(key=key).report.reference == first.json()["reference"]

    numbers = sorted(int(r.split("-")[-1]) for r in Report.objects.values_list("reference", flat=True))
    assert numbers == list(range(1, len(numbers) + 1)), "no gaps"


def test_a_failure_after_the_first_round_trip_leaves_nothing_and_gives_the_number_back(
    api_client, category, queued, monkeypatch, settings
):
    first, _ = post(api_client, body(category))

    def broken(**kwargs):
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(dispatch, "report_created_drafts", broken)
    photos = [upload(f"{i}.jpg", image_bytes()) for i in range(2)]
    with pytest.raises(RuntimeError):
        api_client.post(URL, body(category, reporter_email="melder@example.org", photos=photos), format="multipart")
    monkeypatch.undo()

    assert Report.objects.count() == ReportEvent.objects.count() == 1
    assert not ReportPhoto.objects.exists() and not OutgoingEmail.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()], "no photo file is kept"
    assert queued == []
    # The connection is out of the failed transaction and the next report takes the number the failed one had.
    after, _ = post(api_client, body(category))
    assert after.status_code == 201
    assert int(after.json()["reference"][-6:]) == int(first.json()["reference"][-6:]) + 1
    assert ReferenceCounter.objects.get().last == 2


def test_an_admin_change_is_seen_by_the_very_next_report_of_the_same_process(api_client, category, queued):
    post(api_client, body(category))  # the process now holds the categories, the regulation and the templates

    Category.objects.filter(pk=category.pk).update(name_nl="Putten en verzakkingen")
    EmailTemplate.objects.update_or_create(
        key=TemplateKey.ACKNOWLEDGEMENT,
        language="nl",
        defaults={"subject": "Ontvangen: {{ reference }}", "body": "Nieuwe tekst voor {{ category }}."},
    )
    response, sent = post(api_client, body(category, reporter_email="melder@example.org"))

    assert response.status_code == 201
    report = Report.objects.get(reference=response.json()["reference"])
    assert "Putten en verzakkingen" in report.routing_reason
    email = OutgoingEmail.objects.get(report=report)
    assert email.subject == f"Ontvangen: {report.reference}"
    assert email.body == "Nieuwe tekst voor Putten en verzakkingen.\n"
    assert sum(s.startswith("WITH v AS") for s in sent) == 2, "the first try wrote nothing, the second after a reload"

    Regulation.objects.update_or_create(
        pk=1,
        defaults={
            "acknowledge_working_days": 20,
            "klacht_days": 45,
            "klacht_working_days": False,
            "suggestie_days": 30,
            "suggestie_working_days": False,
        },
    )
    later = Report.objects.get(reference=post(api_client, body(category))[0].json()["reference"])
    assert later.acknowledge_due > report.acknowledge_due

    Category.objects.filter(pk=category.pk).update(active=False)
    refused, _ = post(api_client, body(category))
    assert refused.status_code == 400
    assert list(refused.json()) == ["category"]
    assert Report.objects.count() == 3


def test_a_category_deleted_after_the_process_loaded_it_is_unknown_not_an_error(api_client, queued):
    spare = Category.objects.create(
        slug="tijdelijk", name_nl="Tijdelijk", kinds=[Kind.MELDING], parent=None, active=True, is_public=True
    )
    first, _ = post(api_client, body(spare))  # the process now holds the category
    assert first.status_code == 201
    Report.objects.filter(category=spare).delete()
    spare.delete()

    response, _ = post(api_client, body(spare))

    assert response.status_code == 400
    assert list(response.json()) == ["category"]
    assert "tijdelijk" in response.json()["category"][0]
    assert not Report.objects.exists()
    # And the caches hold what is there now: the next report of a category that exists is filed.
    other = Category.objects.filter(active=True, kinds__contains=[Kind.MELDING], is_public=True).first()
    assert post(api_client, body(other))[0].status_code == 201


def test_a_compliment_for_a_named_service_is_passed_on_at_once_with_its_thanks_and_forward(api_client, queued):
    groen = Department.objects.get(slug="groendienst")
    groen.email = "groen@oostende.example"
    groen.save()
    data = {
        "kind": "compliment",
        "category": "compliment-medewerker",
        "description": "Prachtig onderhouden park.",
        "reporter_email": "blij@example.org",
        "compliment_department": "groendienst",
        "compliment_staff_member": "Jef",
    }

    response, _sent = post(api_client, data)

    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["department"]["slug"]) == (Status.DOORGEGEVEN, "groendienst")
    report = Report.objects.get(reference=response.json()["reference"])
    assert list(report.events.values_list("event_type", "to_status")) == [
        ("created", Status.NIEUW),
        ("forwarded", Status.DOORGEGEVEN),
    ]
    emails = {e.template_key: e for e in OutgoingEmail.objects.filter(report=report)}
    assert set(emails) == {TemplateKey.COMPLIMENT_THANKS, TemplateKey.COMPLIMENT_FORWARD}
    assert emails[TemplateKey.COMPLIMENT_FORWARD].to == "groen@oostende.example"
    # The thanks is queued by the filing after COMMIT; the forward by report_transition's on_commit, as always.
    assert queued == [(emails[TemplateKey.COMPLIMENT_THANKS].pk, True)]
