"""A person with no account, email or phone files at the counter; later claims the file online."""

import pytest
from django.urls import reverse

from anef.accounts.constants import Role
from anef.accounts.models import Person
from anef.applications.models import Application
from anef.notifications.models import Notification
from anef.testing import COUNTER_IDENTITY, form_answers, make_applicant, make_staff, pdf_upload, run_queued_tasks

pytestmark = pytest.mark.django_db

IDENTITY = COUNTER_IDENTITY


def _form_data(procedure):
    return {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in form_answers(procedure).items()}


def test_a_counter_filing_gives_the_same_file_with_a_receipt_letters_and_a_claim_code(client):
    counter = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")
    client.force_login(counter)
    from anef.procedures.models import Procedure

    procedure = Procedure.objects.get(code="family-first")
    response = client.post(reverse("backoffice:counter_register"), {**IDENTITY, "procedure": procedure.pk})
    assert response.status_code == 302
    person = Person.objects.get(last_name="Sylla")
    assert person.user is None and person.claim_code
    application = Application.objects.get(person=person)
    assert application.channel == "counter"

    ref = application.reference
    client.post(reverse("portal:eligibility", args=[ref]), {q["name"]: "yes" for q in procedure.questions})
    client.post(reverse("portal:form", args=[ref]), _form_data(procedure))
    application.refresh_from_db()
    from anef.applications.selectors import applicable_documents

    for requirement in applicable_documents(application):
        if requirement["required"]:
            client.post(
                reverse("portal:documents", args=[ref]), {"requirement": requirement["code"], "file": pdf_upload()}
            )
    response = client.post(reverse("portal:review", args=[ref]))
    application.refresh_from_db()
    assert application.state == "submitted", response.content.decode()[:500]
    assert application.events.get(kind="submit").actor == counter

    types = set(application.issued_documents.values_list("type", flat=True))
    assert {"attestation_depot", "recepisse"} <= types
    recepisse = application.issued_documents.get(type="recepisse")
    assert recepisse.details["recepisse_type"] == "first_request"
    pdf = client.get(reverse("backoffice:issued_document", args=[ref, recepisse.number]))
    assert pdf["Content-Type"] == "application/pdf"

    run_queued_tasks()
    letters = Notification.objects.filter(person=person, channel="letter")
    assert letters.exists() and all(n.state == "sent" and n.letter for n in letters)

    # Later the person creates an account and claims the file with the code.
    applicant = make_applicant()
    applicant.applications.all().delete()
    client.force_login(applicant.user)
    wrong = client.post(reverse("portal:claim"), {"code": person.claim_code, "birth_date": "1990-01-01"})
    assert wrong.status_code == 400
    client.post(reverse("portal:claim"), {"code": person.claim_code.lower(), "birth_date": "1980-03-04"})
    person.refresh_from_db()
    assert person.user == applicant.user and person.claim_code is None
    assert ref in client.get(reverse("portal:dashboard")).content.decode()


def test_an_agent_of_another_prefecture_or_an_applicant_cannot_use_the_counter(client):
    client.force_login(make_applicant().user)
    assert client.get(reverse("backoffice:counter_register")).status_code == 404
    client.force_login(make_staff(role=Role.CASE_AGENT))
    assert client.get(reverse("backoffice:counter_register")).status_code == 404


def test_a_postal_filing_takes_the_postmark_as_its_filing_date(client):
    from datetime import timedelta

    from django.utils import timezone

    from anef.applications import services
    from anef.procedures.models import Procedure
    from anef.testing import complete

    counter = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")
    client.force_login(counter)
    postmark = timezone.localdate() - timedelta(days=10)
    procedure = Procedure.objects.get(code="student-renewal")
    identity = {
        **IDENTITY,
        "permit_type": "student",
        "permit_number": "6900000001",
        "permit_expires_on": (timezone.localdate() + timedelta(days=55)).isoformat(),
    }
    too_old = client.post(
        reverse("backoffice:counter_register"),
        {**identity, "procedure": procedure.pk, "postmarked_on": (postmark - timedelta(days=200)).isoformat()},
    )
    assert too_old.status_code == 400
    client.post(
        reverse("backoffice:counter_register"),
        {**identity, "procedure": procedure.pk, "postmarked_on": postmark.isoformat()},
    )
    application = Application.objects.get(person__last_name="Sylla")
    complete(application, actor=counter)
    services.application_submit(application_id=application.pk, actor=counter)

    application.refresh_from_db()
    assert timezone.localdate(application.filed_at) == postmark
    # Posted 65 days before expiry: in time, although received only 55 days before.
    assert application.filed_in_time is True


def test_the_counter_agent_corrects_the_persons_profile_from_the_review_page(client):
    from anef.procedures.models import Procedure

    counter = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")
    client.force_login(counter)
    procedure = Procedure.objects.get(code="family-first")
    client.post(reverse("backoffice:counter_register"), {**IDENTITY, "procedure": procedure.pk})
    application = Application.objects.get(person__last_name="Sylla")
    profile_url = reverse("portal:application_profile", args=[application.reference])

    review = client.get(reverse("portal:review", args=[application.reference]), HTTP_ACCEPT_LANGUAGE="en")
    assert f'href="{profile_url}"' in review.content.decode()
    page = client.get(profile_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Profile of Mamadou SYLLA" in page

    bad = client.post(profile_url, {**IDENTITY, "postcode": "6900"})
    assert bad.status_code == 400
    moved = client.post(profile_url, {**IDENTITY, "address_line": "12 rue Garibaldi", "postcode": "69007"})
    assert moved.status_code == 302 and moved.url == reverse("portal:review", args=[application.reference])
    person = Person.objects.get(pk=application.person_id)
    assert (person.address_line, person.postcode) == ("12 rue Garibaldi", "69007")
    # The agent's own profile page is still theirs (none: staff have no applicant profile).
    assert client.get(reverse("portal:profile")).status_code == 404


def test_a_filing_begun_at_the_counter_can_be_found_and_finished_later(client):
    from anef.procedures.models import Procedure

    counter = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")
    client.force_login(counter)
    procedure = Procedure.objects.get(code="family-first")
    client.post(reverse("backoffice:counter_register"), {**IDENTITY, "procedure": procedure.pk})
    application = Application.objects.get(person__last_name="Sylla")

    # The agent is called away; back at the registration page, the filing waits to be finished.
    page = client.get(reverse("backoffice:counter_register")).content.decode()
    assert reverse("portal:review", args=[application.reference]) in page and "Mamadou SYLLA" in page
    assert client.get(reverse("portal:review", args=[application.reference])).status_code == 200
    # Another prefecture's counter does not see it.
    client.force_login(make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-33"))
    assert application.reference not in client.get(reverse("backoffice:counter_register")).content.decode()


def test_registering_at_the_counter_creates_the_person_and_the_file_together_or_nothing(monkeypatch):
    from anef.applications import services
    from anef.applications.errors import ApplicationError
    from anef.procedures.models import Procedure

    counter = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")
    identity = {**IDENTITY, "date_of_birth": "1980-03-04", "email": ""}

    def broken(**kwargs):
        raise ApplicationError("the file could not be opened")

    monkeypatch.setattr(services, "application_create", broken)
    with pytest.raises(ApplicationError):
        services.application_register_at_counter(
            actor=counter, procedure=Procedure.objects.get(code="family-first"), identity=identity
        )
    assert not Person.objects.filter(last_name="Sylla").exists()


def test_only_counter_agents_register_at_the_counter(client):
    for role in (Role.SUPERVISOR, Role.CASE_AGENT):
        client.force_login(make_staff(role=role, prefecture_code="pref-69"))
        assert client.get(reverse("backoffice:counter_register")).status_code == 404
        assert client.post(reverse("backoffice:counter_register"), IDENTITY).status_code == 404
