"""What the reporter, followers and departments are told, walked through the report services."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.utils import translation
from django.utils.formats import date_format

from geo_meldpunt.feedback.models import SatisfactionSurvey
from geo_meldpunt.feedback.selectors import department_compliments
from geo_meldpunt.notifications.models import EmailTemplate, OutgoingEmail, TemplateKey
from geo_meldpunt.notifications.rendering import shipped_default
from geo_meldpunt.reports.models import Follower, Kind, Status
from geo_meldpunt.reports.services import follower_confirm, report_follow, report_transition
from geo_meldpunt.staff.groups import COORDINATOR
from tests.factories import DepartmentFactory
from tests.notifications.helpers import emails, new_report, send_queued, transition
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

# A phrase of each language's acknowledgement, and how a date reads in it.
ACKNOWLEDGEMENT_PHRASES = {
    "nl": ("Bedankt voor uw melding", "Behandeld door"),
    "fr": ("nous avons bien reçu votre signalement", "Traité par"),
    "en": ("Thank you for your report", "Handled by"),
    "de": ("Wir haben Ihr Anliegen (Meldung) erhalten", "Bearbeitet von"),
}
DATE_FORMATS = {"nl": "j F Y", "fr": "j F Y", "en": "j F Y", "de": "j. F Y"}


@pytest.mark.parametrize("language", ["nl", "fr", "en", "de"])
def test_the_acknowledgement_is_in_the_reporters_language_with_reference_department_and_date(language):
    department = DepartmentFactory(
        name_nl="Wegendienst", name_fr="Service des routes", name_en="Roads", name_de="Straßen"
    )
    report = new_report(language=language, department=department)

    (email,) = emails(report)
    assert (email.template_key, email.to, email.language, email.status) == (
        TemplateKey.ACKNOWLEDGEMENT,
        "melder@example.org",
        language,
        OutgoingEmail.Status.QUEUED,
    )
    for phrase in ACKNOWLEDGEMENT_PHRASES[language]:
        assert phrase in email.body
    assert report.reference in email.subject and report.reference in email.body
    assert department.localized_name(language) in email.body
    with translation.override(language):
        assert date_format(report.answer_due, DATE_FORMATS[language]) in email.body
    assert f"/volg/{report.tracking_token}/" in email.body

    (message,) = send_queued()
    assert message.to == ["melder@example.org"]
    assert message.subject == email.subject
    assert message.body == email.body


def test_the_acknowledgement_gives_the_citys_own_phone_line(settings):
    settings.MELDPUNT_PHONE = "0800 9 9999"
    (email,) = emails(new_report())
    assert "0800 9 9999" in email.body and "0800 1 8400" not in email.body


def test_no_e_mail_address_no_acknowledgement():
    report = new_report(reporter_email="")
    assert emails(report) == []


def test_nothing_is_sent_before_the_transaction_commits(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks() as callbacks:
        report = new_report()
    assert len(callbacks) == 1  # the queueing of the acknowledgement, for after commit
    assert mailoutbox == []
    assert emails(report)[0].status == OutgoingEmail.Status.QUEUED


def test_addresses_typed_by_a_reporter_never_arrive_as_links():
    report = new_report(
        description="Zie http://evil.example/login en www.phish.test, of mail info@bank.example.",
        address="Kerkstraat 1 (klik https://phish.test/x)",
        reporter_name="Jan www.spam.test",
    )
    (message,) = send_queued()
    text = message.subject + message.body
    for linkable in ("http://evil.example", "evil.example", "www.phish.test", "bank.example", "https://phish.test"):
        assert linkable not in text
    assert "http[:]//evil[.]example/login" in message.body
    assert "info@bank[.]example" in message.body
    assert "www[.]spam[.]test" in message.body
    # Plain text only: no HTML part that a client could render with links.
    assert message.content_subtype == "plain"
    assert not getattr(message, "alternatives", None)
    # Our own link stays whole.
    assert f"http://127.0.0.1:8000/volg/{report.tracking_token}/" in message.body


def test_a_compliment_goes_to_the_department_mailbox_and_the_reporter_is_thanked():
    department = DepartmentFactory(email="groendienst@example.org", name_nl="Groendienst")
    report = new_report(
        kind=Kind.COMPLIMENT,
        department=department,
        description="Het park ligt er prachtig bij!",
        reporter_name="An",
        language="en",
    )

    forward, thanks = emails(report)
    assert (forward.template_key, forward.to, forward.language) == (
        TemplateKey.COMPLIMENT_FORWARD,
        "groendienst@example.org",
        "nl",
    )
    assert "Het park ligt er prachtig bij!" in forward.body
    assert report.reference in forward.subject
    assert (thanks.template_key, thanks.to, thanks.language) == (
        TemplateKey.COMPLIMENT_THANKS,
        "melder@example.org",
        "en",
    )
    assert "Thank you very much for your compliment" in thanks.body
    assert f"passed it on to {department.name_en} straight away" in thanks.body
    assert not emails(report, template_key=TemplateKey.ACKNOWLEDGEMENT)
    assert list(department_compliments(department=department)) == [report]
    assert report.status == Status.DOORGEGEVEN  # passed on as it came in: the forward went with that step

    # Closing it sends nothing more.
    transition(report, Status.AFGESLOTEN)
    assert len(emails(report)) == 2

    sent = send_queued()
    assert sorted(m.to[0] for m in sent) == ["groendienst@example.org", "melder@example.org"]


def test_forwarded_tells_the_reporter_who_took_it_over():
    fluvius = DepartmentFactory(name_nl="Fluvius", name_fr="Fluvius", is_external=True, phone="078 35 35 34")
    report = new_report(language="fr")
    transition(report, Status.DOORVERWEZEN, department=fluvius)

    (email,) = emails(report, template_key=TemplateKey.FORWARDED)
    assert email.language == "fr"
    assert "Fluvius" in email.subject and "Fluvius" in email.body
    assert "078 35 35 34" in email.body


def test_waiting_for_the_reporter_says_what_is_needed():
    report = new_report()
    transition(report, Status.WACHT_OP_MELDER, note="Stuur ons een foto van de plek.")

    (email,) = emails(report, template_key=TemplateKey.WAITING_FOR_REPORTER)
    assert "Stuur ons een foto van de plek." in email.body
    assert report.reference in email.subject


# A phrase of each language's inadmissible e-mail.
INADMISSIBLE_PHRASES = {
    "nl": "kan de stad uw melding",
    "fr": "la ville ne peut pas donner suite",
    "en": "the city cannot handle your report",
    "de": "kann die Stadt Ihr Anliegen",
}


def refuse(report, reason: str) -> None:
    """Only the coordinator may declare a report inadmissible (workflow.COORDINATOR_ONLY)."""
    report_transition(report=report, to=Status.NIET_ONTVANKELIJK, by=staff_user(COORDINATOR), note=reason)


@pytest.mark.parametrize("language", ["nl", "fr", "en", "de"])
def test_not_admissible_tells_the_reporter_why_in_their_language(language):
    report = new_report(language=language)
    report_follow(report=report, email="buur@example.org", language="nl", confirmed=True)
    reason = "Dit is privaat terrein: zie https://www.oostende.be/eigendom & bel de eigenaar."
    refuse(report, reason)

    (email,) = emails(report, template_key=TemplateKey.INADMISSIBLE)
    assert (email.to, email.language) == ("melder@example.org", language)
    assert INADMISSIBLE_PHRASES[language] in email.body
    assert report.reference in email.subject
    # Staff-typed: shown as written, neither escaped nor defanged.
    assert reason in email.body
    assert f"/volg/{report.tracking_token}/" in email.body
    # Followers are not told; the reporter gets no survey.
    assert [e.template_key for e in emails(report)] == [TemplateKey.ACKNOWLEDGEMENT, TemplateKey.INADMISSIBLE]
    (_acknowledgement, message) = send_queued()
    assert message.to == ["melder@example.org"] and message.body == email.body


def test_not_admissible_without_an_e_mail_address_sends_nothing():
    report = new_report(reporter_email="")
    report_follow(report=report, email="buur@example.org", language="nl", confirmed=True)
    refuse(report, "Dit is privaat terrein.")
    assert emails(report) == []


def test_a_compliment_declared_inadmissible_sends_nothing_more():
    report = new_report(kind=Kind.COMPLIMENT, department=DepartmentFactory(email=""))
    before = emails(report)
    refuse(report, "Geen compliment maar reclame.")
    assert emails(report) == before
    assert not emails(report, template_key=TemplateKey.INADMISSIBLE)


def test_the_answer_reaches_the_reporter_and_every_follower_in_their_language():
    report = new_report(language="nl")
    report_follow(report=report, email="buur@example.org", language="de", confirmed=True)
    report_follow(report=report, email="voisin@example.org", language="fr", confirmed=True)
    report_follow(report=report, email="MELDER@example.org", language="en", confirmed=True)  # the reporter: one answer

    transition(report, Status.BEANTWOORD, note="De tegel is vandaag vastgelegd.")

    answer = emails(report, template_key=TemplateKey.ANSWER)
    assert [(e.to, e.language) for e in answer] == [("melder@example.org", "nl")]
    assert "De tegel is vandaag vastgelegd." in answer[0].body
    followers = emails(report, template_key=TemplateKey.ANSWER_FOLLOWER)
    assert sorted((e.to, e.language) for e in followers) == [("buur@example.org", "de"), ("voisin@example.org", "fr")]
    by_language = {e.language: e for e in followers}
    assert "Sie folgen der Meldung" in by_language["de"].body
    assert "Vous suivez le signalement" in by_language["fr"].body
    assert all("De tegel is vandaag vastgelegd." in e.body for e in followers)
    # The reporter is asked how satisfied they are; followers are not.
    (question,) = emails(report, template_key=TemplateKey.SATISFACTION_QUESTION)
    survey = SatisfactionSurvey.objects.get(report=report)
    assert question.to == "melder@example.org"
    assert f"/tevredenheid/{survey.token}/" in question.body
    assert Follower.objects.filter(report=report).count() == 3


def test_a_follower_gets_nothing_but_the_confirmation_until_they_confirm():
    report = new_report(language="nl")
    follower, created = report_follow(report=report, email="Buur@Example.org", language="fr")
    assert created and follower.confirmed_at is None

    (confirmation,) = emails(report, template_key=TemplateKey.FOLLOW_CONFIRMATION)
    assert (confirmation.to, confirmation.language) == ("buur@example.org", "fr")
    assert report.reference in confirmation.subject
    assert f"/volgen/bevestigen/{follower.token}/" in confirmation.body
    # Nothing of the reporter's report goes to an address anyone may have typed.
    assert report.description not in confirmation.body and report.tracking_token not in confirmation.body
    # Following again does not send it again.
    report_follow(report=report, email="buur@example.org", language="fr")
    assert len(emails(report, template_key=TemplateKey.FOLLOW_CONFIRMATION)) == 1

    transition(report, Status.BEANTWOORD, note="Hersteld.")
    assert emails(report, template_key=TemplateKey.ANSWER_FOLLOWER) == []


def test_a_confirmed_follower_gets_the_answer():
    report = new_report(language="nl")
    follower, _created = report_follow(report=report, email="buur@example.org", language="fr")
    assert follower_confirm(token=follower.token).confirmed_at is not None
    assert follower_confirm(token="onbekend") is None

    transition(report, Status.BEANTWOORD, note="Hersteld.")
    (answer,) = emails(report, template_key=TemplateKey.ANSWER_FOLLOWER)
    assert (answer.to, answer.language) == ("buur@example.org", "fr")


def _answered_with_a_follower(language: str):
    """A report with a name and a description, one confirmed follower reading `language`, answered."""
    report = new_report(
        language="nl",
        reporter_name="Jan Peeters",
        description="Mijn fiets staat hier al drie weken.",
        address="Wapenplein 12, Oostende",
    )
    report_follow(report=report, email="buur@example.org", language=language, confirmed=True)
    transition(report, Status.BEANTWOORD, note="De tegel is vandaag vastgelegd.")
    (follower_mail,) = emails(report, template_key=TemplateKey.ANSWER_FOLLOWER)
    (reporter_mail,) = emails(report, template_key=TemplateKey.ANSWER)
    return report, follower_mail, reporter_mail


def _nothing_of_the_reporters_own(report, email: OutgoingEmail) -> None:
    text = email.subject + email.body
    assert report.tracking_token not in text and "/volg/" not in text
    assert "Mijn fiets staat hier al drie weken." not in text and "Jan Peeters" not in text


@pytest.mark.parametrize("language", ["nl", "fr", "de", "en"])
def test_a_followers_answer_has_the_answer_but_not_the_reporters_tracking_link(language):
    report, follower_mail, reporter_mail = _answered_with_a_follower(language)

    assert report.reference in follower_mail.subject
    assert "De tegel is vandaag vastgelegd." in follower_mail.body
    _nothing_of_the_reporters_own(report, follower_mail)
    # The reporter's own answer still leads to their tracking page.
    assert f"/volg/{report.tracking_token}/" in reporter_mail.body
    assert "De tegel is vandaag vastgelegd." in reporter_mail.body


def test_a_follower_template_edited_to_name_the_reporters_values_shows_them_empty():
    EmailTemplate.objects.update_or_create(
        key=TemplateKey.ANSWER_FOLLOWER,
        language="en",
        defaults={
            "subject": "Report {{ reference }} {{ tracking_url }}",
            "body": (
                "Link: [{{ tracking_url }}]\nText: [{{ description }}]\nBy: [{{ reporter_name }}]\n"
                "Where: {{ address }} ({{ category }}, {{ department }})\nAnswer: {{ answer }}\n"
            ),
        },
    )
    report, follower_mail, reporter_mail = _answered_with_a_follower("en")

    _nothing_of_the_reporters_own(report, follower_mail)
    assert "Link: []" in follower_mail.body and "Text: []" in follower_mail.body and "By: []" in follower_mail.body
    # What the public map shows is there.
    assert f"Where: Wapenplein 12, Oostende ({report.category.name_en}" in follower_mail.body
    assert "Answer: De tegel is vandaag vastgelegd." in follower_mail.body
    assert f"/volg/{report.tracking_token}/" in reporter_mail.body


def test_the_migration_brings_unedited_follower_templates_to_the_new_text_and_leaves_edited_ones():
    migration = import_module("geo_meldpunt.notifications.migrations.0006_answer_follower_without_tracking_link")
    for language in ("nl", "fr", "de", "en"):
        # The migration writes exactly the shipped text, which names no tracking link.
        assert migration.NEW_BODIES[language] == shipped_default(TemplateKey.ANSWER_FOLLOWER, language)[1]
        assert "tracking_url" in migration.OLD_BODIES[language]
        assert "tracking_url" not in migration.NEW_BODIES[language]
    rows = EmailTemplate.objects.filter(key=TemplateKey.ANSWER_FOLLOWER)
    for language in ("nl", "fr", "de"):
        rows.filter(language=language).update(body=migration.OLD_BODIES[language])
    edited = migration.OLD_BODIES["en"].replace("Hello,", "Dear neighbour,")
    rows.filter(language="en").update(body=edited)

    migration.forwards(django_apps, None)

    bodies = dict(rows.values_list("language", "body"))
    assert {lang: bodies[lang] for lang in ("nl", "fr", "de")} == {
        lang: migration.NEW_BODIES[lang] for lang in ("nl", "fr", "de")
    }
    assert bodies["en"] == edited  # the city's own text is left alone

    migration.backwards(django_apps, None)
    bodies = dict(rows.values_list("language", "body"))
    assert bodies["nl"] == migration.OLD_BODIES["nl"] and bodies["en"] == edited


def test_every_e_mail_is_recorded_on_the_report():
    report = new_report()
    transition(report, Status.IN_BEHANDELING)
    transition(report, Status.BEANTWOORD, note="Hersteld.")
    send_queued()
    assert [e.template_key for e in report.emails.order_by("id")] == [
        TemplateKey.ACKNOWLEDGEMENT,
        TemplateKey.ANSWER,
        TemplateKey.SATISFACTION_QUESTION,
    ]
    assert {e.status for e in report.emails.all()} == {OutgoingEmail.Status.SENT}


def test_notifying_twice_for_the_same_event_sends_nothing_new():
    from geo_meldpunt.notifications import dispatch

    report = new_report()
    report = transition(report, Status.BEANTWOORD, note="Hersteld.")
    event = report.events.get(to_status=Status.BEANTWOORD)
    before = emails(report)
    dispatch.report_created_notify(report=report)
    dispatch.report_transitioned_notify(report=report, event=event)
    assert emails(report) == before
    assert SatisfactionSurvey.objects.filter(report=report).count() == 1
