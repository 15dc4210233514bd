"""The applicant's journey through the views, as a browser without JavaScript would post it."""

import pytest
from django.urls import reverse

from anef.applications.models import Application
from anef.applications.workflow import EventKind, State
from anef.procedures.models import Procedure
from anef.testing import complete, draft, form_answers, image_bytes, make_applicant, pdf_upload, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(client):
    person = make_applicant(permit_expires_in_days=90)
    client.force_login(person.user)
    return person


def _form_data(procedure):
    data = {}
    for name, value in form_answers(procedure).items():
        data[name] = ("yes" if value else "no") if isinstance(value, bool) else value
    return data


def test_the_whole_journey_from_catalogue_to_submitted_file(client, applicant):
    procedure = Procedure.objects.get(code="student-renewal")
    assert client.get(reverse("public:procedure", args=[procedure.code])).status_code == 200

    response = client.post(reverse("portal:start", args=[procedure.code]))
    application = Application.objects.get(person=applicant)
    assert response["Location"] == reverse("portal:eligibility", args=[application.reference])

    ref = application.reference
    response = client.post(reverse("portal:eligibility", args=[ref]), {q["name"]: "yes" for q in procedure.questions})
    assert response["Location"] == reverse("portal:form", args=[ref])

    response = client.post(reverse("portal:form", args=[ref]), _form_data(procedure))
    assert response["Location"] == reverse("portal:documents", args=[ref])

    application.refresh_from_db()
    from anef.applications.selectors import applicable_documents

    for requirement in applicable_documents(application):
        if requirement["required"]:
            response = client.post(
                reverse("portal:documents", args=[ref]),
                {"requirement": requirement["code"], "file": pdf_upload(f"{requirement['code']}.pdf")},
            )
            assert response.status_code == 302, response.content.decode()[:2000]

    page = client.get(reverse("portal:review", args=[ref]))
    assert page.status_code == 200
    assert "error-summary" not in page.content.decode()

    response = client.post(reverse("portal:review", args=[ref]))
    assert response["Location"] == reverse("portal:submitted", args=[ref])
    application.refresh_from_db()
    assert application.state == State.SUBMITTED

    detail = client.get(reverse("portal:application", args=[ref])).content.decode()
    assert ref in detail
    assert "anef-timeline" in detail


def test_submitting_an_incomplete_file_lists_what_is_missing_with_links_to_fix_it(client, applicant):
    application = draft(applicant)

    response = client.post(reverse("portal:review", args=[application.reference]))

    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in body
    assert reverse("portal:documents", args=[application.reference]) in body
    application.refresh_from_db()
    assert application.state == State.DRAFT


def test_a_double_click_on_submit_makes_one_submission(client, applicant):
    application = complete(draft(applicant))
    url = reverse("portal:review", args=[application.reference])

    first = client.post(url)
    second = client.post(url)

    assert first.status_code == second.status_code == 302
    assert application.events.filter(kind=EventKind.SUBMIT).count() == 1


def test_a_file_of_the_wrong_type_gets_a_translated_error_tied_to_its_field(client, applicant):
    application = draft(applicant)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("portal:documents", args=[application.reference]),
        {"requirement": "passport", "file": SimpleUploadedFile("passport.pdf", b"hello", "application/pdf")},
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_passport_file-error"' in body
    assert not application.uploaded_documents.exists()


def test_an_image_upload_is_shown_as_received(client, applicant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = draft(applicant)
    client.post(
        reverse("portal:documents", args=[application.reference]),
        {"requirement": "passport", "file": SimpleUploadedFile("p.jpg", image_bytes("JPEG"), "image/jpeg")},
    )
    document = application.uploaded_documents.get()

    response = client.get(reverse("portal:document", args=[document.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"


def test_save_and_finish_later_keeps_the_draft(client, applicant):
    application = draft(applicant)
    data = {**_form_data(application.procedure), "save_and_leave": "1"}

    response = client.post(reverse("portal:form", args=[application.reference]), data)

    assert response["Location"] == reverse("portal:dashboard")
    application.refresh_from_db()
    assert application.answers["institution_name"] == "Demo"


def test_a_required_field_left_empty_is_reported_and_the_other_answers_are_kept(client, applicant):
    application = draft(applicant)
    data = {**_form_data(application.procedure), "institution_name": ""}

    response = client.post(reverse("portal:form", args=[application.reference]), data)

    assert response.status_code == 200
    assert 'href="#id_institution_name"' in response.content.decode()
    application.refresh_from_db()
    assert "institution_name" not in application.answers
    assert application.answers["programme_name"] == data["programme_name"]


def test_several_applications_are_open_at_once_on_the_dashboard(client, applicant):
    renewal = submitted(applicant, "student-renewal")
    address = submitted(applicant, "change-of-address")

    body = client.get(reverse("portal:dashboard")).content.decode()

    assert renewal.reference in body and address.reference in body


def test_withdrawing_asks_for_confirmation_then_closes_the_file(client, applicant):
    application = submitted(applicant)
    url = reverse("portal:withdraw", args=[application.reference])

    page = client.get(url).content.decode()
    # It says what stops, and for how long a withdrawal made by mistake can be undone by an agent.
    assert "30" in page and ("undo the withdrawal" in page or "annuler le retrait" in page)
    response = client.post(url, {"reason": "I am leaving France"})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.state == State.SUBMITTED

    client.post(url, {"reason": "I am leaving France", "confirm": "on"})
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    assert application.events.get(kind=EventKind.WITHDRAW).reason == "I am leaving France"


def test_correcting_a_submitted_file_reopens_it_and_resubmission_keeps_the_filing_date(client, applicant):
    application = submitted(applicant)
    filed_at = application.filed_at

    response = client.post(reverse("portal:reopen", args=[application.reference]))
    assert response["Location"] == reverse("portal:form", args=[application.reference])
    client.post(reverse("portal:review", args=[application.reference]))

    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert application.filed_at == filed_at


def test_pages_of_the_catalogue_speak_french_and_english(client):
    french = client.get(reverse("public:catalogue"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get(reverse("public:catalogue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Renouvellement de la carte de séjour «\u00a0étudiant\u00a0»" in french  # French spacing
    assert "Renewal of the student residence permit" in english
    assert '<html lang="fr"' in french
    assert '<html lang="en"' in english


def test_the_language_follows_the_profile_unless_the_person_chose_one(client):
    person = make_applicant(language="en")
    client.force_login(person.user)

    assert '<html lang="en"' in client.get(reverse("portal:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert '<html lang="fr"' in client.get(reverse("portal:dashboard")).content.decode()


def test_an_empty_eligibility_answer_is_reported_not_ignored(client, applicant):
    application = draft(applicant)

    response = client.post(reverse("portal:eligibility", args=[application.reference]), {})

    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
