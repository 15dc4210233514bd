"""The employer's check, through the public pages in both languages: what the right stands on (the
kind of permit, the document and its number) and its conditions (a student's yearly work hours, in
the reader's number format); a document number found however it is typed."""

import pytest
from django.db import connection
from django.urls import reverse

from anef.accounts.constants import PermitType
from anef.applications import review
from anef.certificates.constants import DocumentType
from anef.certificates.models import IssuedDocument
from anef.certificates.selectors import NUMBER_KEY, number_key
from anef.sharing.services import share_code_create
from anef.testing import make_applicant, make_staff, submitted

pytestmark = pytest.mark.django_db

WORDS = {
    "en": {"kind": "Student", "cap": "Work limited to 964 hours a year.", "valid": "Valid document"},
    "fr": {"kind": "Étudiant", "cap": "Travail limité à 964\u00a0heures par an.", "valid": "Document valide"},
}


@pytest.fixture
def student_attestation():
    """A student whose renewal was granted: the attestation of favourable decision proves the right."""
    application = submitted(make_applicant(postcode="69003", permit_type=PermitType.STUDENT), "student-renewal")
    agent = make_staff(prefecture_code="pref-69")
    review.application_start_review(application_id=application.pk, actor=agent)
    review.application_accept(application_id=application.pk, actor=agent)
    return IssuedDocument.objects.get(application=application, type=DocumentType.ATTESTATION_DECISION_FAVORABLE)


def _verify(client, number, birth_date, language):
    response = client.post(
        reverse("public:verify"),
        {"number": number, "birth_date": birth_date.isoformat()},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("typed", ["as printed", "without the hyphen", "with spaces", "in lower case"])
def test_a_document_number_is_found_however_it_is_typed_and_shows_the_permit_and_its_conditions(
    client, student_attestation, language, typed
):
    number = student_attestation.number
    written = {
        "as printed": number,
        "without the hyphen": number.replace("-", ""),
        "with spaces": " " + number.replace("-", " ")[:3] + " " + number.replace("-", " ")[3:] + " ",
        "in lower case": number.lower(),
    }[typed]

    body = _verify(client, written, student_attestation.holder_birth_date, language)

    verdict = body[body.index('id="verdict"') :]
    assert WORDS[language]["valid"] in verdict
    assert number in verdict
    assert f"<dd>{WORDS[language]['kind']}</dd>" in verdict
    assert WORDS[language]["cap"] in verdict


def test_a_wrong_number_still_finds_nothing(client, student_attestation):
    body = _verify(client, "ZZZZZ-ZZZZZ", student_attestation.holder_birth_date, "en")
    assert "No document matches these details" in body


def test_numbers_compare_by_their_letters_and_digits():
    assert number_key(" acdef ghjkl ") == number_key("ACDEF-GHJKL") == "ACDEFGHJKL"


@pytest.mark.postgres_only
def test_the_lookup_by_number_uses_the_index():
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        queryset = IssuedDocument.objects.alias(key=NUMBER_KEY).filter(key="ACDEFGHJKL")
        plan = queryset.explain()
        cursor.execute("SET enable_seqscan = on")
    assert "issued_document_number_key" in plan


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_employers_check_of_a_right_names_the_permit_its_proof_and_the_students_work_cap(
    client, student_attestation, language
):
    person = student_attestation.person
    code = share_code_create(person=person, purpose="work")

    body = client.post(
        reverse("public:check_right"),
        {"code": code.display, "birth_date": person.date_of_birth.isoformat(), "verifier": "Garage Martin"},
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()

    assert 'data-verdict="right_holds"' in body
    assert f"<dd>{WORDS[language]['kind']}</dd>" in body
    assert f"n° {student_attestation.number}" in body
    assert WORDS[language]["cap"] in body


def test_a_landlord_sees_the_permit_but_not_the_work_conditions(client, student_attestation):
    person = student_attestation.person
    code = share_code_create(person=person, purpose="housing")

    body = client.post(
        reverse("public:check_right"),
        {"code": code.display, "birth_date": person.date_of_birth.isoformat()},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()

    assert "<dd>Student</dd>" in body
    assert "964" not in body
