"""A person downloads all their data: their profile, files, history, documents and messages,
and nobody else's; the prefecture's internal notes stay out."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from anef.accounts.constants import Role
from anef.applications import review
from anef.core.testing import make_applicant, make_helper, make_staff, pdf_upload, submitted
from anef.messaging.services import message_send

pytestmark = pytest.mark.django_db


def test_a_person_downloads_all_their_data_and_only_theirs(client):
    person = make_applicant(language="en")
    application = submitted(person)
    agent = make_staff(prefecture_code="pref-69")
    review.application_start_review(application_id=application.pk, actor=agent)
    review.note_add(application_id=application.pk, actor=agent, text="Internal: check the school's registration.")
    message_send(application_id=application.pk, actor=agent, body="Please send your new passport.")
    message_send(
        application_id=application.pk, actor=person.user, body="Here it is.", uploaded=pdf_upload("passport-2.pdf")
    )
    other = submitted(make_applicant(email="someone.else@example.org"))
    client.force_login(person.user)

    profile = client.get(reverse("portal:profile")).content.decode()
    assert reverse("portal:data_export") in profile
    response = client.get(reverse("portal:data_export"))

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    data = json.loads(archive.read("data.json"))
    assert "All the data the ANEF service holds about" in archive.read("README.txt").decode()
    assert data["profile"]["email"] == person.email
    [exported] = data["applications"]
    assert exported["reference"] == application.reference and exported["state"] == "Under review"
    assert [m["text"] for m in exported["messages"]] == ["Please send your new passport.", "Here it is."]
    for document in exported["documents"] + [{"file": f} for m in exported["messages"] for f in m["attachments"]]:
        assert archive.read(document["file"])[:4] == b"%PDF"
    assert any(d["type"] for d in data["issued_documents"])
    assert all(archive.read(d["file"])[:4] == b"%PDF" for d in data["issued_documents"])
    assert data["notifications"]
    everything = response.content.decode("latin-1") + archive.read("data.json").decode()
    assert "Internal: check the school" not in everything
    assert other.reference not in archive.read("data.json").decode() and len(names) >= 5


def test_accounts_without_a_personal_file_have_no_data_to_download(client):
    for user in (make_staff(role=Role.CASE_AGENT), make_helper()):
        client.force_login(user)
        assert client.get(reverse("portal:data_export")).status_code == 404
