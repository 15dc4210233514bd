import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from anef.certificates.selectors import verify_number, verify_payload
from anef.core.signing import InvalidPayload, b64d, b64e, key_rotate, public_keys, verify
from anef.core.testing import make_applicant, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def attestation():
    application = submitted(make_applicant())
    return application.issued_documents.get(type="attestation_depot")


def test_a_submission_yields_a_signed_filing_certificate(attestation):
    claims = verify(attestation.payload)
    assert claims["n"] == attestation.number
    assert claims["t"] == "attestation_depot"
    assert claims["b"] == attestation.holder_birth_date.isoformat()
    assert claims["kid"] == attestation.kid
    assert verify_payload(attestation.payload).status == "valid"


def test_a_changed_byte_in_the_payload_is_rejected(attestation):
    prefix, body, signature = attestation.payload.split(".")
    claims = json.loads(b64d(body))
    claims["u"] = "2099-12-31"
    forged = ".".join([prefix, b64e(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode()), signature])

    with pytest.raises(InvalidPayload, match="bad signature"):
        verify(forged)
    assert verify_payload(forged).status == "invalid"
    assert verify_payload(attestation.payload[:-3] + "AAA").status == "invalid"
    assert verify_payload("not a payload").status == "invalid"


def test_a_wrong_key_id_is_rejected(attestation):
    prefix, body, signature = attestation.payload.split(".")
    claims = json.loads(b64d(body))
    claims["kid"] = "k-unknown"
    forged = ".".join([prefix, b64e(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode()), signature])
    with pytest.raises(InvalidPayload, match="unknown key"):
        verify(forged)


def test_rotation_keeps_old_documents_verifiable_and_new_ones_use_the_new_key(attestation):
    new_key = key_rotate()
    later = submitted(make_applicant()).issued_documents.get(type="attestation_depot")

    assert later.kid == new_key.kid != attestation.kid
    assert verify_payload(attestation.payload).status == "valid"
    assert verify_payload(later.payload).status == "valid"
    assert {attestation.kid, new_key.kid} <= set(public_keys())


def test_offline_verification_with_the_published_keys_only(client, attestation):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    published = client.get(reverse("public:keys")).json()
    keys = {k["kid"]: Ed25519PublicKey.from_public_bytes(b64d(k["public_key"])) for k in published["keys"]}

    assert verify(attestation.payload, keys=keys)["n"] == attestation.number
    assert published["algorithm"] == "Ed25519"


def test_revoked_superseded_and_expired_documents_say_so(attestation):
    from datetime import timedelta

    from anef.certificates.models import IssuedDocument

    IssuedDocument.objects.filter(pk=attestation.pk).update(status="revoked")
    assert verify_payload(attestation.payload).status == "revoked"
    IssuedDocument.objects.filter(pk=attestation.pk).update(status="superseded")
    assert verify_payload(attestation.payload).status == "superseded"
    IssuedDocument.objects.filter(pk=attestation.pk).update(
        status="valid", valid_until=attestation.valid_from + timedelta(days=1)
    )
    assert verify_payload(attestation.payload, today=attestation.valid_from + timedelta(days=5)).status == "expired"


def test_the_number_and_birth_date_check_reveals_nothing_when_the_date_is_wrong(attestation):
    from datetime import date

    assert verify_number(attestation.number, attestation.holder_birth_date).status == "valid"
    assert verify_number(attestation.number.lower(), attestation.holder_birth_date).status == "valid"
    wrong_date = verify_number(attestation.number, date(1901, 1, 1))
    wrong_number = verify_number("ZZZZZ-ZZZZZ", attestation.holder_birth_date)
    assert wrong_date.status == wrong_number.status == "unknown"
    assert wrong_date.document is None


def test_the_public_page_answers_and_rejects_tampering(client, attestation):
    page = client.post(reverse("public:verify"), {"payload": attestation.payload}, HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert "Valid document" in body and attestation.holder_name in body

    page = client.post(
        reverse("public:verify"), {"payload": attestation.payload[:-4] + "AAAA"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Invalid" in page.content.decode()
    page = client.post(reverse("public:verify"), {}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Paste the content of the QR code" in page.content.decode()


def test_the_command_line_verifies_a_payload_and_a_pdf(attestation, tmp_path, capsys):
    from anef.certificates.services import document_render_pdf

    call_command("verify_document", attestation.payload)
    assert capsys.readouterr().out.startswith("valid:")

    document = document_render_pdf(document_id=attestation.pk)
    pdf = tmp_path / "attestation.pdf"
    pdf.write_bytes(document.pdf.read())
    call_command("verify_document", str(pdf))
    assert attestation.number in capsys.readouterr().out

    with pytest.raises(SystemExit):
        call_command("verify_document", attestation.payload[:-4] + "AAAA")
    assert capsys.readouterr().out.startswith("invalid")


def test_the_applicant_downloads_their_documents_and_nobody_elses(client, attestation):
    client.force_login(attestation.person.user)
    listing = client.get(reverse("portal:issued_documents")).content.decode()
    assert attestation.number in listing
    response = client.get(reverse("portal:issued_document_pdf", args=[attestation.number]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content)[:4] == b"%PDF"

    client.force_login(make_applicant().user)
    assert client.get(reverse("portal:issued_document_pdf", args=[attestation.number])).status_code == 404
