"""After a submission, a confirmation: the number, what happens next and by when, where to follow
the file, and a way to say how it went (stored, anonymous, read by national administrators)."""

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from anef.accounts.constants import Role
from anef.testing import complete, draft, make_applicant, make_staff
from anef.transparency.constants import Satisfaction
from anef.transparency.models import ServiceFeedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(client):
    person = make_applicant(permit_expires_in_days=90)
    client.force_login(person.user)
    return person


def test_submitting_shows_the_number_what_comes_next_and_when_and_where_to_follow(client, applicant):
    application = complete(draft(applicant))

    response = client.post(reverse("portal:review", args=[application.reference]), follow=True)

    application.refresh_from_db()
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("portal:submitted", args=[application.reference])
    panel = body[body.index('id="submitted"') :]
    assert application.reference in panel
    assert "fr-callout" in body[body.index('id="submitted"') - 200 : body.index('id="submitted"')]
    expected = date_format(application.due_at.date(), "SHORT_DATE_FORMAT")
    assert f"{application.procedure.target_days}" in body and expected in body
    assert reverse("portal:application", args=[application.reference]) in body
    certificate = application.issued_documents.get(type="attestation_depot")
    assert reverse("portal:application_issued_document", args=[application.reference, certificate.number]) in body
    assert f"{reverse('portal:feedback')}?demarche={application.procedure.code}" in body


def test_a_draft_has_no_confirmation_and_goes_back_to_its_check(client, applicant):
    application = draft(applicant)

    response = client.get(reverse("portal:submitted", args=[application.reference]))

    assert response["Location"] == reverse("portal:review", args=[application.reference])


def test_an_opinion_is_stored_anonymously_with_its_procedure(client, applicant):
    response = client.post(
        reverse("portal:feedback"),
        {"satisfaction": Satisfaction.FAIR, "text": "Le dépôt des pièces était long.", "procedure": "student-renewal"},
    )

    assert response["Location"] == reverse("portal:dashboard")
    opinion = ServiceFeedback.objects.get()
    assert opinion.satisfaction == Satisfaction.FAIR
    assert opinion.procedure.code == "student-renewal"
    assert not any(field.name in ("user", "person") for field in ServiceFeedback._meta.fields)


def test_an_opinion_without_an_answer_is_refused_with_an_error(client, applicant):
    response = client.post(reverse("portal:feedback"), {"text": "?"})

    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    assert not ServiceFeedback.objects.exists()


def test_the_national_administrator_reads_the_opinions_and_an_agent_cannot(client):
    ServiceFeedback.objects.create(satisfaction=Satisfaction.POOR, text="Trop de pièces à envoyer.")
    url = reverse("backoffice:feedback")
    administrator = make_staff(role=Role.ADMINISTRATOR, prefecture_code=None)
    agent = make_staff()

    client.force_login(administrator)
    page = client.get(url)
    client.force_login(agent)
    refused = client.get(url)

    assert page.status_code == 200
    assert "Trop de pièces à envoyer." in page.content.decode()
    assert refused.status_code == 404
