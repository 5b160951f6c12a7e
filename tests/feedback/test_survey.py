"""The satisfaction loop through the services: answered, rated, referred to the ombudsman, closed; links that
expire or were used are refused."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.feedback.models import OmbudsmanReferral, SatisfactionSurvey
from geo_meldpunt.feedback.selectors import ombudsman_referrals, ombudsman_referrals_count
from geo_meldpunt.feedback.services import SurveyLinkError, survey_create
from geo_meldpunt.feedback.tasks import close_unanswered_surveys
from geo_meldpunt.notifications.models import OutgoingEmail, TemplateKey
from geo_meldpunt.reports.models import Kind, ReportEvent, Status
from geo_meldpunt.reports.services import report_survey_answer, reports_close_unanswered_surveys
from tests.notifications.helpers import emails, new_report, send_queued, transition

pytestmark = pytest.mark.django_db


def answered(**kwargs):
    report = new_report(**kwargs)
    report = transition(report, Status.BEANTWOORD, note="De put is gedicht.")
    return report, SatisfactionSurvey.objects.get(report=report)


def test_a_klacht_answered_and_rated_1_sends_the_ombudsman_details_and_counts_the_referral():
    report, survey = answered(kind=Kind.KLACHT, reporter_email="boos@example.org")
    assert survey.expires_at - survey.created_at == dt.timedelta(days=14)
    assert ombudsman_referrals_count() == 0

    outcome = report_survey_answer(token=survey.token, score=1, comment="Er is niets veranderd.")

    assert outcome.ombudsman == {
        "name": "Ombudsdienst Stad Oostende",
        "email": "ombudsdienst@oostende.be",
        "phone": "059 25 86 86",
        "url": "",
    }
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (1, "Er is niets veranderd.")
    (details,) = emails(report, template_key=TemplateKey.OMBUDSMAN_DETAILS)
    assert details.to == "boos@example.org"
    assert "ombudsdienst@oostende.be" in details.body and "059 25 86 86" in details.body
    assert report.reference in details.body
    referral = OmbudsmanReferral.objects.get(report=report)
    assert (referral.survey, referral.email) == (survey, details)
    assert ombudsman_referrals_count() == 1
    assert ombudsman_referrals_count(since=timezone.now() + dt.timedelta(minutes=1)) == 0
    assert list(ombudsman_referrals()) == [referral]
    # The history says so (staff.roles shows these cases to the ombudsdienst), internally.
    event = report.events.get(event_type=ReportEvent.Type.OMBUDSMAN)
    assert not event.public and "059" not in event.note
    # The loop is done: closed, and the coordinator may reopen it.
    report.refresh_from_db()
    assert report.status == Status.AFGESLOTEN

    sent = {m.to[0]: m for m in send_queued() if "ombudsdienst@oostende.be" in m.body}
    assert list(sent) == ["boos@example.org"]


@pytest.mark.parametrize(("score", "referred"), [(1, True), (2, True), (3, False), (5, False)])
def test_the_threshold_decides_the_referral(score, referred):
    report, survey = answered()
    outcome = report_survey_answer(token=survey.token, score=score)
    assert (outcome.referral is not None) == referred
    assert bool(emails(report, template_key=TemplateKey.OMBUDSMAN_DETAILS)) == referred


def test_the_threshold_is_a_setting(settings):
    settings.FEEDBACK_OMBUDSMAN_THRESHOLD = 3
    _report, survey = answered()
    assert report_survey_answer(token=survey.token, score=3).referral is not None


def test_the_ombudsman_details_are_mailed_in_the_reporters_language():
    report, survey = answered(language="fr")
    report_survey_answer(token=survey.token, score=2)
    (details,) = emails(report, template_key=TemplateKey.OMBUDSMAN_DETAILS)
    assert details.language == "fr"
    assert "service de médiation" in details.body


def test_a_used_link_is_refused():
    report, survey = answered()
    report_survey_answer(token=survey.token, score=4)
    with pytest.raises(SurveyLinkError) as refused:
        report_survey_answer(token=survey.token, score=1)
    assert refused.value.code == "used"
    assert "al gebruikt" in refused.value.message  # Dutch by default
    survey.refresh_from_db()
    assert survey.score == 4
    assert not OmbudsmanReferral.objects.filter(report=report).exists()


def test_an_expired_link_is_refused():
    _report, survey = answered()
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(SurveyLinkError) as refused:
        report_survey_answer(token=survey.token, score=5)
    assert refused.value.code == "expired"
    assert "verlopen" in refused.value.message and "14" in refused.value.message
    with translation.override("en"), pytest.raises(SurveyLinkError) as refused:
        report_survey_answer(token=survey.token, score=5)
    assert "expired" in refused.value.message
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_an_unknown_link_is_refused():
    with pytest.raises(SurveyLinkError) as refused:
        report_survey_answer(token="not-a-token", score=3)
    assert refused.value.code == "unknown"


@pytest.mark.parametrize("score", [None, "", 0, 6, "drie"])
def test_a_score_outside_1_to_5_is_refused(score):
    _report, survey = answered()
    with pytest.raises(ApplicationError) as refused:
        report_survey_answer(token=survey.token, score=score)
    assert refused.value.field == "score"
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_newer_answer_withdraws_the_older_link():
    report, first = answered()
    report = transition(report, Status.HEROPEND, note="Toch niet goed hersteld.")
    first.refresh_from_db()
    assert first.handled_at is not None  # reopening withdrew it
    transition(report, Status.BEANTWOORD, note="Nu wel.")
    second = SatisfactionSurvey.objects.filter(report=report).exclude(pk=first.pk).get()
    with pytest.raises(SurveyLinkError):
        report_survey_answer(token=first.token, score=1)
    assert report_survey_answer(token=second.token, score=5).survey == second


def test_compliments_get_no_survey():
    report = new_report(kind=Kind.COMPLIMENT)
    with pytest.raises(ApplicationError):
        survey_create(report=report)
    assert not SatisfactionSurvey.objects.filter(report=report).exists()
    assert not emails(report, template_key=TemplateKey.SATISFACTION_QUESTION)


def test_no_answer_in_14_days_closes_the_report():
    report, survey = answered()
    other, fresh = answered()
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(created_at=timezone.now() - dt.timedelta(days=14, hours=1))

    assert close_unanswered_surveys.apply().get() == 1

    report.refresh_from_db()
    other.refresh_from_db()
    assert report.status == Status.AFGESLOTEN and report.closed_at is not None
    assert other.status == Status.BEANTWOORD
    note = report.events.filter(event_type=ReportEvent.Type.NOTE).last()
    assert "14" in note.note and not note.public
    assert reports_close_unanswered_surveys() == 0  # once only
    with pytest.raises(SurveyLinkError):  # its link expired with it
        report_survey_answer(token=survey.token, score=3)


def test_a_report_reopened_meanwhile_is_not_closed_by_the_survey_job():
    report, survey = answered()
    report = transition(report, Status.HEROPEND, note="Nog niet in orde.")
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(
        created_at=timezone.now() - dt.timedelta(days=20), handled_at=None
    )
    assert reports_close_unanswered_surveys() == 0
    report.refresh_from_db()
    assert report.status == Status.HEROPEND


def test_the_question_is_mailed_with_a_link_valid_14_days():
    report, survey = answered(language="en")
    (question,) = emails(report, template_key=TemplateKey.SATISFACTION_QUESTION)
    assert question.language == "en"
    assert f"http://127.0.0.1:8000/tevredenheid/{survey.token}/" in question.body
    assert "can be used once" in question.body
    assert question.status == OutgoingEmail.Status.QUEUED
    assert survey.question_email == question
