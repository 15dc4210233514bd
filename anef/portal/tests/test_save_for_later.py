"""Nothing typed in a step of a draft is lost: "Save and finish later" keeps every answer as typed,
valid or not, without an error; the errors come when the person continues or submits."""

import pytest
from django.urls import reverse

from anef.testing import draft, make_applicant

pytestmark = pytest.mark.django_db

# A half-filled form of the student renewal: a date that does not exist, letters in a number,
# a required field left empty (programme_name), the rest right.
HALF_FILLED = {
    "institution_name": "Université Lyon 2",
    "academic_year_start": "2026-02-31",
    "has_job": "yes",
    "hours_worked": "six hundred",
    "stamp_number": "1234",
}


@pytest.fixture
def applicant(client):
    person = make_applicant(permit_expires_in_days=90)
    client.force_login(person.user)
    return person


def _form(client, application, data):
    return client.post(reverse("portal:form", args=[application.reference]), data)


def test_saving_a_half_filled_form_for_later_keeps_every_answer_without_an_error(client, applicant):
    application = draft(applicant)

    response = _form(client, application, {**HALF_FILLED, "save_and_leave": "1"})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")
    application.refresh_from_db()
    assert application.answers["institution_name"] == "Université Lyon 2"
    assert application.answers["has_job"] is True
    assert application.typed_input == {
        "academic_year_start": "2026-02-31",
        "hours_worked": "six hundred",
        "stamp_number": "1234",
    }


def test_the_step_reopened_shows_what_was_typed_and_no_error(client, applicant):
    application = draft(applicant)
    _form(client, application, {**HALF_FILLED, "save_and_leave": "1"})

    body = client.get(reverse("portal:form", args=[application.reference])).content.decode()

    assert 'value="Université Lyon 2"' in body
    assert 'value="2026-02-31"' in body
    assert 'value="six hundred"' in body
    assert 'value="1234"' in body
    assert 'id="error-summary"' not in body
    assert 'aria-invalid="true"' not in body


def test_continuing_shows_the_errors_and_still_keeps_what_was_typed(client, applicant):
    application = draft(applicant)

    response = _form(client, application, {**HALF_FILLED, "continue": "1"})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in body
    for name in ("academic_year_start", "hours_worked", "stamp_number", "programme_name"):
        assert f'href="#id_{name}"' in body
    application.refresh_from_db()
    assert application.answers["institution_name"] == "Université Lyon 2"
    assert application.typed_input["hours_worked"] == "six hundred"


def test_the_check_step_names_each_answer_to_correct_and_submission_waits_for_it(client, applicant):
    application = draft(applicant)
    _form(client, application, {**HALF_FILLED, "save_and_leave": "1"})

    response = client.post(reverse("portal:review", args=[application.reference]))

    body = response.content.decode()
    assert response.status_code == 400
    assert body.count("est à corriger") == 3  # the date, the hours and the stamp number, as typed
    application.refresh_from_db()
    assert application.filed_at is None


def test_correcting_an_answer_clears_what_was_kept_as_typed(client, applicant):
    application = draft(applicant)
    _form(client, application, {**HALF_FILLED, "save_and_leave": "1"})

    _form(client, application, {**HALF_FILLED, "hours_worked": "600", "save_and_leave": "1"})

    application.refresh_from_db()
    assert application.answers["hours_worked"] == 600
    assert "hours_worked" not in application.typed_input


def test_saving_eligibility_for_later_keeps_the_answers_given_without_an_error(client, applicant):
    application = draft(applicant)
    question = application.procedure.questions[0]["name"]
    url = reverse("portal:eligibility", args=[application.reference])

    response = client.post(url, {question: "yes", "save_and_leave": "1"})

    assert response["Location"] == reverse("portal:dashboard")
    application.refresh_from_db()
    assert application.eligibility == {question: True}
    body = client.get(url).content.decode()
    assert 'id="error-summary"' not in body
    assert f'id="id_{question}_0" name="{question}" value="yes" checked' in body


def test_continuing_eligibility_half_answered_shows_the_errors_and_keeps_the_answers(client, applicant):
    application = draft(applicant)
    question = application.procedure.questions[0]["name"]

    response = client.post(reverse("portal:eligibility", args=[application.reference]), {question: "yes"})

    assert 'id="error-summary"' in response.content.decode()
    application.refresh_from_db()
    assert application.eligibility == {question: True}


def test_what_was_typed_in_a_question_that_no_longer_applies_is_dropped(client, applicant):
    application = draft(applicant)

    _form(client, application, {**HALF_FILLED, "has_job": "no", "save_and_leave": "1"})

    application.refresh_from_db()
    assert "hours_worked" not in application.typed_input
    assert "hours_worked" not in application.answers


def test_saving_the_same_eligibility_answers_again_adds_nothing_to_the_history(client, applicant):
    application = draft(applicant)
    question = application.procedure.questions[0]["name"]
    url = reverse("portal:eligibility", args=[application.reference])
    client.post(url, {question: "yes", "save_and_leave": "1"})
    events = application.events.count()

    client.post(url, {question: "yes", "save_and_leave": "1"})

    assert application.events.count() == events
