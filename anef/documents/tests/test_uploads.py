import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from anef.applications.errors import ApplicationError
from anef.documents.models import UploadedDocument
from anef.documents.services import document_upload
from anef.documents.validation import clean_display_name
from anef.testing import draft, image_bytes, make_applicant, pdf_upload, submitted

pytestmark = pytest.mark.django_db


def _upload(application, uploaded, code="passport", reason=""):
    return document_upload(
        application_id=application.pk,
        requirement_code=code,
        uploaded=uploaded,
        actor=application.person.user,
        reason=reason,
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("scan.pdf", None, "application/pdf"),
        ("photo.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("photo.png", image_bytes("PNG"), "image/png"),
    ],
)
def test_pdf_jpeg_and_png_are_accepted(name, content, content_type):
    application = draft(make_applicant())
    uploaded = pdf_upload(name) if content is None else SimpleUploadedFile(name, content, "application/octet-stream")

    document = _upload(application, uploaded)

    assert document.content_type == content_type
    assert document.file.name.startswith("uploads/")
    assert name not in document.file.name  # the stored name never comes from the user
    assert default_storage.exists(document.file.name)


def test_the_type_comes_from_the_content_and_a_pdf_named_png_is_refused_saying_it_is_a_pdf():
    application = draft(make_applicant())

    with pytest.raises(ValidationError) as refusal:
        _upload(application, pdf_upload("photo.png"))

    assert refusal.value.code == "extension"
    assert "PDF" in refusal.value.messages[0] and ".png" in refusal.value.messages[0]
    assert not UploadedDocument.objects.exists()


def test_a_name_without_extension_gets_the_one_of_its_content():
    application = draft(make_applicant())

    document = _upload(application, pdf_upload("scan"))

    assert document.content_type == "application/pdf"
    assert document.original_name == "scan.pdf"
    assert document.file.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.pdf", b"", "empty"),
        ("notes.pdf", b"just some text, not a PDF at all", "type"),
        ("program.pdf", b"MZ\x90\x00" + b"\x00" * 200, "type"),
        ("image.gif", b"GIF89a" + b"\x00" * 100, "type"),
        ("broken.pdf", b"%PDF-1.7\n this is not really a pdf", "damaged"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "damaged"),
    ],
)
def test_bad_files_are_refused_with_a_clear_error_and_nothing_is_stored(name, content, code):
    application = draft(make_applicant())
    before = UploadedDocument.objects.count()

    with pytest.raises(ValidationError) as refusal:
        _upload(application, SimpleUploadedFile(name, content, "application/pdf"))

    assert refusal.value.code == code
    assert UploadedDocument.objects.count() == before
    assert application.events.filter(kind__startswith="document").count() == 0


def test_oversized_files_and_too_many_pages_are_refused(settings):
    application = draft(make_applicant())
    settings.ANEF_UPLOAD_MAX_PAGES = 3
    with pytest.raises(ValidationError) as refusal:
        _upload(application, pdf_upload("long.pdf", pages=4))
    assert refusal.value.code == "too_many_pages"

    settings.ANEF_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as refusal:
        _upload(application, pdf_upload("big.pdf"))
    assert refusal.value.code == "too_large"
    assert not UploadedDocument.objects.exists()


def test_a_file_name_with_folders_or_control_characters_is_cleaned_for_display_and_never_used_for_storage():
    application = draft(make_applicant())

    document = _upload(application, pdf_upload("../../etc/pass\x07wd\u202e.pdf"))

    assert document.original_name == "passwd.pdf"
    assert ".." not in document.file.name
    assert clean_display_name("C:\\Users\\me\\scan.pdf") == "scan.pdf"
    assert clean_display_name("\x00\x01") == "document"


def test_replacing_a_document_keeps_the_old_one_as_superseded_and_records_both_in_history():
    application = draft(make_applicant())
    first = _upload(application, pdf_upload("a.pdf"))
    second = _upload(application, pdf_upload("b.pdf"))

    first.refresh_from_db()
    assert first.superseded_at is not None
    assert second.superseded_at is None
    kinds = list(application.events.values_list("kind", flat=True))
    assert kinds.count("document_add") == 1
    assert kinds.count("document_replace") == 1


def test_once_filed_a_document_change_needs_a_reason_and_keeps_the_filing_date():
    application = submitted(make_applicant())
    filed_at = application.filed_at

    with pytest.raises(ApplicationError):
        _upload(application, pdf_upload("new.pdf"))
    _upload(application, pdf_upload("new.pdf"), reason="My new passport arrived")

    application.refresh_from_db()
    assert application.filed_at == filed_at
    event = application.events.filter(kind="document_replace").get()
    assert event.reason == "My new passport arrived"


def test_a_document_the_procedure_does_not_ask_for_is_refused():
    application = draft(make_applicant())
    with pytest.raises(ApplicationError):
        _upload(application, pdf_upload(), code="birth_certificate_of_the_cat")
