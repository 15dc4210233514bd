"""What a reader meets in their own language and in words: country names, the history's reasons,
fields and documents, the prefecture's own words marked as French, the QR code as a link a phone
opens, the rule of the API on the procedure page (issue 15, "Wrong messages")."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anef.applications.kernel import record_event
from anef.applications.moves import person_profile_update
from anef.applications.workflow import EventKind
from anef.certificates import pdf
from anef.certificates.models import IssuedDocument
from anef.certificates.selectors import verification_link
from anef.procedures.models import Procedure
from anef.sharing.services import share_code_create
from anef.testing import awaiting_answer, make_applicant, submitted
from anef.testing.reading import page_problems

pytestmark = pytest.mark.django_db


def reader(user, language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def page(client: Client, name: str, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_nationality_list_is_in_the_readers_language():
    person = make_applicant()

    assert "Sénégal" in page(reader(person.user, "fr"), "portal:profile")
    english = page(reader(person.user, "en"), "portal:profile")
    assert "Senegal" in english and "Sénégal" not in english


def test_a_move_written_by_the_service_reads_in_the_language_of_whoever_reads_it():
    person = make_applicant(language="en")
    application = submitted(person)

    person_profile_update(person_id=person.pk, actor=person.user, postcode="33000", city="Bordeaux")

    assert "New address given in the profile of the person." in page(
        reader(person.user, "en"), "portal:application", application.reference
    )
    assert "Nouvelle adresse" in page(reader(person.user, "fr"), "portal:application", application.reference)


def test_the_history_names_fields_documents_and_steps_never_their_codes():
    person = make_applicant()
    application = submitted(person)
    record_event(
        application=application,
        kind=EventKind.ANSWERS_UPDATE,
        actor=person.user,
        payload={"step": "form", "fields": ["academic_year_start", "has_job", "stamp_number"]},
    )
    record_event(
        application=application,
        kind=EventKind.DOCUMENT_ISSUE,
        actor=None,
        payload={"type": "api", "document": "API-TEST-1"},
    )
    record_event(
        application=application,
        kind=EventKind.DOCUMENT_REVOKE,
        actor=None,
        reason=EventKind.DELIVER_CARD.value,  # as older events wrote it
        payload={"type": "api", "document": "API-TEST-1"},
    )

    for language in ("fr", "en"):
        html = page(reader(person.user, language), "portal:application", application.reference)
        for code in ("academic_year_start", "has_job", "stamp_number", "deliver_card"):
            assert code not in html, (code, language)
    english = page(reader(person.user, "en"), "portal:application", application.reference)
    assert "Tax stamp number" in english
    assert "Certificate extending the examination" in english and "API-TEST-1" in english
    assert "Ended by: Card handed over" in english


def test_the_prefectures_own_words_are_marked_as_french_for_an_english_reader():
    application = awaiting_answer(deadline=timezone.localdate(), language="en")

    html = page(reader(application.person.user, "en"), "portal:application", application.reference)

    assert "As written by the prefecture, in French:" in html
    assert '<p lang="fr">Please</p>' in html
    french = page(reader(application.person.user, "fr"), "portal:application", application.reference)
    assert 'lang="fr">Please' not in french  # French in a French page needs no mark


def test_the_qr_code_is_a_link_that_opens_the_verdict_and_old_payloads_still_verify(monkeypatch, settings):
    settings.ANEF_BASE_URL = "https://anef.test.example"
    application = submitted(make_applicant())
    document = IssuedDocument.objects.filter(application=application).first()
    encoded = []
    monkeypatch.setattr(pdf, "qr_svg_data_uri", lambda text: encoded.append(text) or "data:image/svg+xml,")

    pdf.render_pdf(document)

    link = encoded[0]
    assert link == verification_link(document.payload)
    assert link.startswith("https://anef.test.example/verifier/?code=ANEF1.")
    visitor = reader(None, "en")
    opened = visitor.get(link.removeprefix("https://anef.test.example"))
    assert "Valid document" in opened.content.decode()
    # What a reader app pastes (the link) and what older QR codes hold (the payload) both verify.
    for pasted in (link, document.payload):
        answer = visitor.post(reverse("public:verify"), {"payload": pasted})
        assert "Valid document" in answer.content.decode()


def test_the_procedure_page_says_the_api_comes_near_the_permits_end_from_the_catalogues_rule():
    with_api = [p for p in Procedure.objects.filter(active=True) if "api" in p.yields]
    assert with_api
    for procedure in with_api:
        english = page(reader(None, "en"), "public:procedure", procedure.code)
        assert f"no decision has been made {settings.ANEF_API_LEAD_DAYS} days before your permit ends" in english
        french = page(reader(None, "fr"), "public:procedure", procedure.code)
        assert f"{settings.ANEF_API_LEAD_DAYS} jours avant la fin de votre carte" in french
        for text in (procedure.definition["eligibility"]["fr"], procedure.definition["eligibility"]["en"]):
            assert "Après le dépôt, vous recevez une attestation de prolongation" not in text
            assert "After you apply, you receive a certificate of extended processing" not in text


def test_the_share_code_preview_and_the_employers_result_read_as_written_for_people():
    person = make_applicant(permit_on_record=True)
    code = share_code_create(person=person, purpose="work")
    for language in ("fr", "en"):
        preview = page(reader(person.user, language), "portal:sharing")
        assert not page_problems(preview, language), page_problems(preview, language)
        result = (
            reader(None, language)
            .post(reverse("public:check_right"), {"code": code.display, "birth_date": person.date_of_birth.isoformat()})
            .content.decode()
        )
        assert person.permit_expires_on.strftime("%d/%m/%Y") in result  # the permit's end, as people write it
        assert not page_problems(result, language), page_problems(result, language)
