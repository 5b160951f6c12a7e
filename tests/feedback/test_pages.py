"""The public satisfaction page /tevredenheid/<token>/: the question, the answer, refused links."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from geo_meldpunt.feedback.models import OmbudsmanReferral, SatisfactionSurvey
from geo_meldpunt.feedback.selectors import ombudsman_referrals_count
from geo_meldpunt.notifications.models import TemplateKey
from geo_meldpunt.reports.models import Kind, Status
from tests.notifications.helpers import emails, new_report, transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    report = new_report(kind=Kind.KLACHT)
    transition(report, Status.BEANTWOORD, note="Hersteld.")
    return SatisfactionSurvey.objects.get(report=report)


def url(survey) -> str:
    return f"/tevredenheid/{survey.token}/"


def test_the_question_is_a_labelled_radio_group_with_a_comment(client, survey):
    response = client.get(url(survey))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert "<h1>Hoe tevreden bent u?</h1>" in html
    assert survey.report.reference in html
    # One fieldset with a legend groups the five options; each radio has its own label.
    assert html.count('<fieldset class="survey-scale"') == 1 and "<legend>Uw score" in html
    radios = re.findall(r'<input type="radio" name="score" id="score-(\d)" value="(\d)" required', html)
    assert radios == [(str(n), str(n)) for n in range(1, 6)]
    for n, label in ((1, "zeer ontevreden"), (5, "zeer tevreden")):
        assert re.search(rf'<label for="score-{n}"><span class="score-number">{n}</span> {label}</label>', html)
    assert '<label for="comment">' in html and '<textarea id="comment" name="comment"' in html
    assert 'aria-describedby="score-help"' in html
    assert '<button type="submit"' in html


def test_the_page_speaks_the_reporters_language_unless_they_chose_one(client):
    report = new_report(language="de")
    transition(report, Status.BEANTWOORD, note="Erledigt.")
    survey = SatisfactionSurvey.objects.get(report=report)
    assert "Wie zufrieden sind Sie?" in client.get(url(survey)).content.decode()
    client.cookies["django_language"] = "fr"
    assert "Êtes-vous satisfait(e) ?" in client.get(url(survey)).content.decode()


def test_a_score_of_1_shows_the_ombudsman_details_at_once_and_mails_them(client, survey):
    response = client.post(url(survey), {"score": "1", "comment": "Slecht geholpen."})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Bedankt voor uw antwoord" in html
    assert "Ombudsdienst Stad Oostende" in html
    assert '<a href="mailto:ombudsdienst@oostende.be">ombudsdienst@oostende.be</a>' in html
    assert "059 25 86 86" in html
    assert ombudsman_referrals_count() == 1
    (details,) = emails(survey.report, template_key=TemplateKey.OMBUDSMAN_DETAILS)
    assert "ombudsdienst@oostende.be" in details.body
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (1, "Slecht geholpen.")


def test_a_good_score_thanks_without_the_ombudsman(client, survey):
    html = client.post(url(survey), {"score": "5"}).content.decode()
    assert "Bedankt voor uw antwoord" in html
    assert "ombudsdienst@oostende.be" not in html
    assert not OmbudsmanReferral.objects.exists()


def test_no_score_shows_the_question_again_with_the_error(client, survey):
    response = client.post(url(survey), {"comment": "Vergeten te kiezen"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "Kies een score van 1 tot 5." in html
    assert 'aria-describedby="score-help score-error" aria-invalid="true"' in html
    assert "Vergeten te kiezen</textarea>" in html  # what was typed is kept
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_reused_link_is_refused(client, survey):
    assert client.post(url(survey), {"score": "2"}).status_code == 200
    response = client.post(url(survey), {"score": "5"})
    assert response.status_code == 410
    html = response.content.decode()
    assert "Deze link werd al gebruikt" in html
    # The referred reporter who comes back finds the ombudsman's details again.
    assert "ombudsdienst@oostende.be" in html
    assert client.get(url(survey)).status_code == 410
    survey.refresh_from_db()
    assert survey.score == 2


def test_an_expired_link_is_refused(client, survey):
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    for response in (client.get(url(survey)), client.post(url(survey), {"score": "4"})):
        assert response.status_code == 410
        assert "Deze link is verlopen" in response.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_nul_in_the_link_is_refused_as_unknown(client, method):
    response = getattr(client, method)("/tevredenheid/%00/", *([{"score": "1"}] if method == "post" else []))
    assert response.status_code == 404


def test_an_unknown_link_is_refused(client):
    response = client.get("/tevredenheid/bestaat-niet/")
    assert response.status_code == 404
    assert "Deze link is niet geldig" in response.content.decode()


def test_no_browser_or_proxy_keeps_the_survey_page(client, survey):
    """The page names the reporter's report and, once answered, may show the ombudsman's details: one person's."""
    responses = [
        client.get(url(survey)),  # the question
        client.post(url(survey), {"score": "1"}),  # the thanks with the ombudsman's details
        client.get(url(survey)),  # the refused reuse
        client.get("/tevredenheid/bestaat-niet/"),  # unknown link
    ]
    assert [r.status_code for r in responses] == [200, 200, 410, 404]
    for response in responses:
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control
