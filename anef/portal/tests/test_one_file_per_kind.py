"""Issue 15: a second application for the same permit is refused at its start, naming the first
(it used to be refused only at "Submit", after the whole form was filled)."""

import pytest
from django.urls import reverse

from anef.applications.models import Application
from anef.applications.workflow import State
from anef.testing import make_applicant, submitted

pytestmark = pytest.mark.django_db


def test_the_procedure_page_names_the_application_waiting_and_links_to_it(client):
    person = make_applicant()
    renewal = submitted(person, "student-renewal")
    client.force_login(person.user)

    page = client.get(reverse("public:procedure", args=["student-first"])).content.decode()

    assert 'id="existing-application"' in page and renewal.reference in page
    assert reverse("portal:application", args=[renewal.reference]) in page
    assert reverse("portal:start", args=["student-first"]) not in page
    # Another kind of procedure starts as usual.
    other = client.get(reverse("public:procedure", args=["change-of-address"])).content.decode()
    assert reverse("portal:start", args=["change-of-address"]) in other


def test_starting_anyway_leads_to_the_application_waiting_and_creates_nothing(client):
    person = make_applicant()
    renewal = submitted(person, "student-renewal")
    client.force_login(person.user)

    response = client.post(reverse("portal:start", args=["student-first"]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("portal:application", args=[renewal.reference])
    assert renewal.reference in response.content.decode() and "attend une décision" in response.content.decode()
    assert not Application.objects.filter(person=person, state=State.DRAFT).exists()


def test_a_person_with_no_application_of_the_kind_starts(client):
    person = make_applicant()
    client.force_login(person.user)

    response = client.post(reverse("portal:start", args=["student-renewal"]))

    assert response.status_code == 302
    assert Application.objects.filter(person=person, state=State.DRAFT).count() == 1
