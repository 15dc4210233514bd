"""The hostile upload corpus, driven through the real upload views (the applicant's document page and
the message thread): refused files change nothing and say why; accepted ones come back made harmless,
as downloads or sandboxed, and reach agents only once scanned clean.

Every case runs with the fake scanner; with ClamAV too when clamd answers on ANEF_CLAMD_ADDRESS
(CI never needs it)."""

import hashlib
import os
import socket
import tempfile
import threading
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from anef.applications.selectors import applicable_documents
from anef.assistance.models import Mandate
from anef.assistance.services import mandate_request_paper
from anef.documents import scanning
from anef.documents.constants import ScanStatus
from anef.documents.models import UploadedDocument
from anef.messaging.models import Attachment
from anef.testing import draft, make_applicant, make_helper, make_staff, pdf_upload, submitted

from .corpus import EICAR, HOSTILE_MARKERS, Case, corpus, pdf

pytestmark = pytest.mark.django_db

CASES = corpus()
# What the person reads for each refusal (pages in English here; the French is in the catalogue).
MESSAGES = {
    "infected": "contains a virus or malicious code",
    "extension": "but the file is a",
    "type": "is not a PDF, JPEG or PNG document",
    "too_many_pixels": "Scan or photograph it at a lower resolution",
    "damaged": "damaged and cannot be read",
    "scanner_unavailable": "Try again in a few minutes",
}


@pytest.fixture(params=["fake", "clamav"])
def scanner(request, settings):
    """The scanner under test. The ClamAV variant needs a running clamd, and is skipped otherwise."""
    if request.param == "clamav":
        address = os.environ.get("ANEF_CLAMD_ADDRESS", "/run/clamav/clamd.ctl")
        if not scanning.ClamdScanner(address, timeout=5).available():
            pytest.skip(f"clamd does not answer at {address}: this corpus ran with the fake scanner only")
        settings.ANEF_CLAMD_ADDRESS = address
    settings.ANEF_SCANNER = request.param
    return request.param


def _stored_files() -> set[str]:
    found = set()
    for folder in ("uploads", "messages"):

        def walk(path):
            try:
                folders, files = default_storage.listdir(path)
            except FileNotFoundError:
                return
            found.update(f"{path}/{name}" for name in files)
            for sub in folders:
                walk(f"{path}/{sub}")

        walk(folder)
    return found


def _expected_refusal(case: Case, scanner: str) -> set[str]:
    """ClamAV may also flag an active PDF or a polyglot as malicious: refusing it is safe too."""
    if scanner == "clamav" and case.refused != "infected":
        return {case.refused, "infected"}
    return {case.refused}


def _assert_served_harmless(response, *, inline: bool):
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert not [marker for marker in HOSTILE_MARKERS if marker in body]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline" if inline else "attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Cache-Control"] == "private, no-store"
    for character in ("\u202e", "\x00", "\r", "\n", "/", "\\"):
        assert character not in disposition.split("filename", 1)[1].lstrip("*=\"utf-8'")
    return body


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_corpus_through_the_document_upload_page(client, scanner, case):
    # A filed application, so that agents see it; a document changed after filing needs a reason.
    application = submitted(make_applicant(language="en"))
    code = applicable_documents(application)[0]["code"]
    client.force_login(application.person.user)
    documents, events, before = application.uploaded_documents.count(), application.events.count(), _stored_files()

    response = client.post(
        reverse("portal:documents", args=[application.reference]),
        {
            "requirement": code,
            "reason": "A better scan",
            "file": SimpleUploadedFile(case.filename, case.content, "application/pdf"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    if case.refused:
        assert response.status_code == 400
        page = response.content.decode()
        assert any(MESSAGES[refusal] in page for refusal in _expected_refusal(case, scanner)), page
        assert application.uploaded_documents.count() == documents
        assert application.events.count() == events
        assert _stored_files() == before
        return
    assert response.status_code == 302
    document = UploadedDocument.objects.get(application=application, requirement_code=code, superseded_at=None)
    assert application.uploaded_documents.count() == documents + 1
    assert document.scan_status == ScanStatus.CLEAN and document.scanned_by and document.scanned_at
    assert document.original_sha256 != document.sha256  # what is stored is the rebuilt file
    assert len(document.original_name) <= 150
    assert document.original_name.endswith({"application/pdf": ".pdf"}.get(document.content_type, case.filename[-4:]))

    body = _assert_served_harmless(client.get(reverse("portal:document", args=[document.pk])), inline=False)
    _assert_served_harmless(client.get(reverse("portal:document", args=[document.pk]), {"inline": "1"}), inline=True)
    assert document.sha256 == hashlib.sha256(body).hexdigest()

    client.force_login(make_staff())
    served = client.get(reverse("backoffice:document", args=[application.reference, document.pk]))
    _assert_served_harmless(served, inline=False)
    case_page = client.get(reverse("backoffice:case", args=[application.reference])).content.decode()
    framed = f"{reverse('backoffice:document', args=[application.reference, document.pk])}?inline=1"
    assert framed in case_page
    if document.content_type == "application/pdf":
        assert f'sandbox src="{framed}"' in case_page  # the frame is sandboxed as well as the response


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_corpus_as_a_message_attachment(client, scanner, case):
    application = submitted(make_applicant(language="en"))
    client.force_login(application.person.user)
    before = _stored_files()

    response = client.post(
        reverse("portal:messages", args=[application.reference]),
        {"body": "Here is the paper.", "attachment": SimpleUploadedFile(case.filename, case.content, "image/png")},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    if case.refused:
        assert response.status_code == 400
        page = response.content.decode()
        assert any(MESSAGES[refusal] in page for refusal in _expected_refusal(case, scanner)), page
        assert not application.messages.exists()
        assert _stored_files() == before
        return
    attachment = Attachment.objects.get(message__application=application)
    assert attachment.scan_status == ScanStatus.CLEAN
    _assert_served_harmless(client.get(reverse("portal:attachment", args=[attachment.pk])), inline=False)
    client.force_login(make_staff())
    served = client.get(reverse("backoffice:attachment", args=[application.reference, attachment.pk]))
    _assert_served_harmless(served, inline=False)
    served = client.get(reverse("backoffice:attachment", args=[application.reference, attachment.pk]), {"inline": "1"})
    _assert_served_harmless(served, inline=True)


def test_a_refusal_reads_in_french_for_a_french_speaker(client, settings):
    application = draft(make_applicant(language="fr"))
    client.force_login(application.person.user)
    response = client.post(
        reverse("portal:documents", args=[application.reference]),
        {"requirement": applicable_documents(application)[0]["code"], "file": SimpleUploadedFile("a.pdf", EICAR)},
    )
    assert response.status_code == 400
    assert "contient un virus" in response.content.decode()


# --- Failing closed ---------------------------------------------------------------------------


def test_with_clamd_unreachable_the_upload_is_refused_try_again_and_nothing_is_stored(client, settings, tmp_path):
    settings.ANEF_SCANNER = "clamav"
    settings.ANEF_CLAMD_ADDRESS = str(tmp_path / "no-clamd-here.ctl")
    application = draft(make_applicant(language="en"))
    client.force_login(application.person.user)
    before = _stored_files()

    response = client.post(
        reverse("portal:documents", args=[application.reference]),
        {"requirement": applicable_documents(application)[0]["code"], "file": pdf_upload("scan.pdf")},
    )

    assert response.status_code == 400
    assert MESSAGES["scanner_unavailable"] in response.content.decode()
    assert not UploadedDocument.objects.exists()
    assert _stored_files() == before


def test_with_the_scanner_raising_a_message_attachment_is_refused(client, settings, monkeypatch):
    def broken(data):
        raise scanning.ScannerUnavailable("timed out")

    application = submitted(make_applicant(language="en"))
    client.force_login(application.person.user)
    monkeypatch.setattr(scanning.FakeScanner, "scan", lambda self, data: broken(data))

    response = client.post(
        reverse("portal:messages", args=[application.reference]),
        {"body": "Here it is", "attachment": pdf_upload("letter.pdf")},
    )

    assert response.status_code == 400
    assert MESSAGES["scanner_unavailable"] in response.content.decode()
    assert not application.messages.exists()


def test_a_file_not_scanned_clean_is_never_shown_to_agents(client):
    application = submitted(make_applicant())
    document = application.uploaded_documents.first()
    url = reverse("backoffice:document", args=[application.reference, document.pk])
    client.force_login(make_staff())
    assert client.get(url).status_code == 200  # the same agent, the same file, once scanned clean

    # A file stored before scanning existed (or whose scan never concluded) is held back.
    UploadedDocument.objects.filter(pk=document.pk).update(scan_status=ScanStatus.NOT_SCANNED)

    assert client.get(url).status_code == 404
    assert client.get(url, {"inline": "1"}).status_code == 404
    page = client.get(reverse("backoffice:case", args=[application.reference])).content.decode()
    assert url not in page
    assert "Not checked for viruses" in page or "Pas encore vérifié" in page


def test_the_paper_mandate_scan_goes_through_the_same_pipeline():
    from django.core.exceptions import ValidationError

    helper = make_helper()
    person = make_applicant()
    ends_on = timezone.localdate()
    identity = {"helper": helper, "person_email": person.user.email, "birth_date": person.date_of_birth}
    with pytest.raises(ValidationError) as refusal:
        mandate_request_paper(**identity, ends_on=ends_on, uploaded=SimpleUploadedFile("m.pdf", EICAR))
    assert refusal.value.code == "infected"
    assert not Mandate.objects.exists()

    active = pdf(catalog_extra="/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>")
    mandate_request_paper(**identity, ends_on=ends_on, uploaded=SimpleUploadedFile("m.pdf", active))
    stored = Mandate.objects.get(person=person).paper_mandate.read()
    assert stored.startswith(b"%PDF") and b"/OpenAction" not in stored and b"app.alert" not in stored


# --- The ClamAV backend's protocol, against a stand-in clamd ------------------------------------


class StandInClamd:
    """A UNIX-socket server speaking clamd's VERSION and INSTREAM, finding EICAR (or answering
    `answer` when given). Enough to test our client's side of the protocol without clamd."""

    def __init__(self, path: str, answer: bytes | None = None):
        self.answer = answer
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                reader = connection.makefile("rb")
                command = reader.readline().strip()
                if command == b"nVERSION":
                    connection.sendall(b"ClamAV 1.4.3/27500/Thu Dec  3 08:00:00 2026\n")
                elif command == b"nINSTREAM":
                    data = b""
                    while size := int.from_bytes(reader.read(4), "big"):
                        data += reader.read(size)
                    found = b"stream: Win.Test.EICAR_HDB-1 FOUND\n" if EICAR in data else b"stream: OK\n"
                    connection.sendall(self.answer if self.answer is not None else found)

    def close(self):
        self.server.close()


@pytest.fixture
def clamd_socket():
    with tempfile.TemporaryDirectory() as folder:
        yield str(Path(folder) / "clamd.ctl")


def test_the_clamav_backend_speaks_instream_and_reports_what_clamd_found(clamd_socket):
    stand_in = StandInClamd(clamd_socket)
    try:
        backend = scanning.ClamdScanner(clamd_socket, timeout=5)
        assert backend.available() is False  # PING is not spoken by the stand-in: not "available"
        infected = backend.scan(b"%PDF-1.7 " + EICAR)
        clean = backend.scan(b"%PDF-1.7 nothing here" * 5000)  # several chunks
    finally:
        stand_in.close()
    assert (infected.clean, infected.signature, infected.engine) == (
        False,
        "Win.Test.EICAR_HDB-1",
        "ClamAV 1.4.3/27500",
    )
    assert clean.clean is True


@pytest.mark.parametrize("answer", [b"", b"INSTREAM size limit exceeded. ERROR\n", b"stream: lstat() failed ERROR\n"])
def test_the_clamav_backend_fails_closed_on_an_answer_that_is_not_a_verdict(clamd_socket, answer):
    stand_in = StandInClamd(clamd_socket, answer=answer)
    try:
        with pytest.raises(scanning.ScannerUnavailable):
            scanning.ClamdScanner(clamd_socket, timeout=5).scan(b"%PDF-1.7 hello")
    finally:
        stand_in.close()


def test_the_fake_scanner_finds_eicar_in_deflated_pdf_streams_and_nothing_in_a_clean_pdf():
    import zlib

    fake = scanning.FakeScanner()
    hidden = b"%PDF-1.7\n1 0 obj\n<< /Filter /FlateDecode >>\nstream\n" + zlib.compress(EICAR) + b"\nendstream\n"
    assert EICAR not in hidden
    assert fake.scan(hidden).clean is False
    assert fake.scan(pdf()).clean is True


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("/run/clamav/clamd.ctl", "ClamdUnixSocket"),
        ("var/clamd/clamd.ctl", "ClamdUnixSocket"),
        ("unix:///run/clamav/clamd.ctl", "ClamdUnixSocket"),
        ("clamav:3310", "ClamdNetworkSocket"),
        ("tcp://10.0.0.5:3310", "ClamdNetworkSocket"),
    ],
)
def test_the_clamd_address_is_a_socket_path_or_host_and_port(address, kind):
    assert type(scanning.ClamdScanner(address, timeout=1).client).__name__ == kind


def test_a_clamd_address_that_is_neither_is_a_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        scanning.ClamdScanner("clamav", timeout=1)
