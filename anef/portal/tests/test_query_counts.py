"""Pages do a bounded number of queries whatever the number of applications and events."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anef.documents.services import document_upload
from anef.testing import draft, make_applicant, pdf_upload, submitted

pytestmark = pytest.mark.django_db

CODES = ["student-renewal", "change-of-address", "naturalisation", "card-duplicate", "visitor", "talent-passport"]


def _count(client, url):
    client.get(url)  # what is cached for every page (the incident notice) is cached
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_dashboard_costs_the_same_with_one_or_many_applications(client):
    person = make_applicant()
    client.force_login(person.user)
    submitted(person, CODES[0])
    few = _count(client, reverse("portal:dashboard"))

    for code in CODES[1:]:
        draft(person, code)  # started before the other one was filed (after, it would be refused)
        submitted(person, code)
    many = _count(client, reverse("portal:dashboard"))

    assert many == few
    assert many <= 11


def test_an_application_page_costs_the_same_with_a_long_history(client):
    person = make_applicant()
    client.force_login(person.user)
    application = submitted(person)
    url = reverse("portal:application", args=[application.reference])
    short = _count(client, url)

    for index in range(10):
        document_upload(
            application_id=application.pk,
            requirement_code="passport",
            uploaded=pdf_upload(f"p{index}.pdf"),
            actor=person.user,
            reason=f"better scan {index}",
        )
    long = _count(client, url)

    assert long == short
    assert long <= 14  # 13, and one for the documents the file produced (linked for download)


@pytest.mark.parametrize("name", ["public:home", "public:catalogue"])
def test_public_pages_do_a_couple_of_queries(client, name):
    assert _count(client, reverse(name)) <= 3
