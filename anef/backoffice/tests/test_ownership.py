"""The ownership walk over every back-office URL and every role: only staff of the competent
prefecture get past the 404, and applicants never do, not even for their own file."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import Role
from anef.incidents.models import Incident
from anef.messaging.services import message_send  # noqa: E402
from anef.notifications.printing import print_run_prepare
from anef.testing import (
    letters_waiting_for,
    make_applicant,
    make_helper,
    make_staff,
    paper_person,
    pdf_upload,
    submitted,
    url_patterns_with_parameters,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_and_values():
    application = submitted(make_applicant(postcode="69003"))
    document = application.uploaded_documents.first()
    message = message_send(
        application_id=application.pk, actor=application.person.user, body="Hello", uploaded=pdf_upload("note.pdf")
    )
    letters_waiting_for(paper_person("69003"))
    counter = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")
    run = print_run_prepare(actor=counter, prefecture_id=counter.prefecture_id)
    helper = make_helper()
    incident = Incident.objects.create(
        title="Panne", starts_at=timezone.now() - timedelta(hours=1), declared_by=make_staff(role=Role.ADMINISTRATOR)
    )
    return application, {
        "incident_id": incident.pk,
        "structure_id": helper.structure_id,
        "helper_id": helper.pk,
        "account_id": counter.pk,
        "person_id": application.person_id,
        "run": run.number,
        "reference": application.reference,
        "document_id": document.pk,
        "action": "take",
        "attachment_id": message.attachments.get().pk,
        "number": application.issued_documents.first().number,
    }


def _urls(values):
    urls = []
    for namespace, name, parameters in url_patterns_with_parameters({"backoffice"}):
        missing = set(parameters) - set(values)
        if missing:
            pytest.fail(f"backoffice:{name} takes {missing}: teach the ownership walk about it")
        urls.append(reverse(f"{namespace}:{name}", kwargs={p: values[p] for p in parameters}))
    return urls


@pytest.mark.parametrize(
    "who",
    ["owner", "other_applicant", "helper", "agent_elsewhere", "supervisor_elsewhere", "counter_elsewhere"],
)
def test_everyone_but_the_competent_prefecture_gets_404_everywhere(client, file_and_values, who):
    application, values = file_and_values
    users = {
        "owner": lambda: application.person.user,
        "other_applicant": lambda: make_applicant().user,
        "helper": lambda: make_staff(role=Role.HELPER, prefecture_code=None),
        "agent_elsewhere": lambda: make_staff(role=Role.CASE_AGENT, prefecture_code="pref-33"),
        "supervisor_elsewhere": lambda: make_staff(role=Role.SUPERVISOR, prefecture_code="pref-33"),
        "counter_elsewhere": lambda: make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-33"),
    }
    client.force_login(users[who]())
    urls = _urls(values)
    assert len(urls) >= 4
    for url in urls:
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            assert status in (404, 405), f"{who}: {method.upper()} {url} answered {status}"
    application.refresh_from_db()
    assert application.assigned_to is None


def test_the_competent_agent_gets_through(client, file_and_values):
    application, values = file_and_values
    client.force_login(make_staff(role=Role.CASE_AGENT, prefecture_code="pref-69"))
    for url in _urls(values):
        if url.startswith(ADMINISTRATORS_ONLY):
            continue  # national administrators only: see below
        if url.endswith(COUNTER_ONLY):
            continue  # counter agents only: see below
        if url.endswith(COUNTER_SUMMARY):
            continue  # counter agents, for files filed at their counter: test_counter_print.py
        if url.startswith(ACCOUNT_RECOVERY):
            continue  # counter agents only: test_counter_recovery.py
        assert client.get(url).status_code in (200, 302, 405), url


# The accounts pages are also open to supervisors, for the agents of their prefecture: the
# supervisor's side is tested in test_accounts.py.
ADMINISTRATORS_ONLY = ("/agents/structures/", "/agents/incidents/", "/agents/comptes/")
COUNTER_ONLY = ("/mandat/",)
COUNTER_SUMMARY = "/a-imprimer/"
ACCOUNT_RECOVERY = "/agents/guichet/recuperation/"


def test_only_the_counter_of_the_files_prefecture_records_a_mandate_given_there(client, file_and_values):
    _, values = file_and_values
    urls = [url for url in _urls(values) if url.endswith(COUNTER_ONLY)]
    assert len(urls) == 1
    client.force_login(make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69"))
    assert client.get(urls[0]).status_code == 200
    client.force_login(make_staff(role=Role.CASE_AGENT, prefecture_code="pref-69"))
    assert client.get(urls[0]).status_code == 404


def test_only_a_national_administrator_gets_through_the_structure_and_incident_pages(client, file_and_values):
    _, values = file_and_values
    client.force_login(make_staff(role=Role.ADMINISTRATOR, prefecture_code=None))
    urls = [url for url in _urls(values) if url.startswith(ADMINISTRATORS_ONLY)]
    assert len(urls) == 7
    for url in urls:
        assert client.get(url).status_code in (200, 302, 405), url
