"""The counter agent registers a person and fills in their application for them (issue 15): the
form speaks to the agent about the person, and filing ends on a summary to print for the person,
not on the applicant's page."""

import pytest
from django.urls import reverse

from anef.accounts.constants import Role
from anef.accounts.models import Person
from anef.applications.models import Application
from anef.territory.models import Prefecture
from anef.testing import filled_at_the_counter, make_site_with_slots, make_staff

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def counter(client):
    agent = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")
    client.force_login(agent)
    return agent


def test_the_registration_form_speaks_of_the_person_to_the_agent(client, counter):
    page = client.get(reverse("backoffice:counter_register"), **EN).content.decode()
    assert "The person&#x27;s address" in page or "The person's address" in page
    assert "As written on their passport" in page and "handles their applications" in page
    assert "your passport" not in page and "your applications" not in page


def _file_at_the_counter(client, procedure_code="family-first") -> Application:
    return filled_at_the_counter(client, procedure_code, preferred_language="en")


def test_submitting_at_the_counter_ends_on_the_summary_to_print_for_the_person(client, counter):
    Prefecture.objects.filter(code="pref-69").update(phone="04 99 00 69 00")
    site = make_site_with_slots(days=1)
    application = _file_at_the_counter(client)
    review = client.get(reverse("portal:review", args=[application.reference]), **EN).content.decode()
    assert "The person&#x27;s answers" in review or "The person's answers" in review
    assert "Submit my application" not in review

    answer = client.post(reverse("portal:review", args=[application.reference]), **EN)
    summary_url = reverse("backoffice:counter_summary", args=[application.reference])
    assert answer.status_code == 302 and answer["Location"] == summary_url
    application.refresh_from_db()
    assert application.state == "submitted"

    person = Person.objects.get(pk=application.person_id)
    page = client.get(summary_url, **EN).content.decode()
    assert application.reference in page and person.claim_code in page
    assert "What happens next" in page and "by letter" in page  # no email, no phone: letters
    assert "04 99 00 69 00" in page and site.name in page
    assert 'lang="fr"' in page and "Ce qui va se passer" in page  # the French sheet too, for the administration
    assert "anef-no-print" in page  # the agent's instructions stay off the paper


def test_the_summary_is_for_the_counter_of_the_files_prefecture_only(client, counter):
    application = _file_at_the_counter(client)
    url = reverse("backoffice:counter_summary", args=[application.reference])
    assert client.get(url).status_code == 200
    client.force_login(make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-33"))
    assert client.get(url).status_code == 404
    client.force_login(make_staff(role=Role.CASE_AGENT, prefecture_code="pref-69"))
    assert client.get(url).status_code in (403, 404)
