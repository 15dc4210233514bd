"""The back office through its views: who sees what, and the whole life of a file."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import Role
from anef.accounts.models import Person
from anef.applications.kernel import keep_next_due
from anef.applications.models import Application, StaffRead
from anef.applications.selectors import unchecked_documents
from anef.applications.workflow import EventKind, State
from anef.testing import make_applicant, make_staff, pdf_upload, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return make_staff(role=Role.CASE_AGENT, prefecture_code="pref-69")


@pytest.fixture
def filed():
    return submitted(make_applicant(postcode="69003"))


def act(client, application, action, data=None):
    return client.post(reverse("backoffice:act", args=[application.reference, action]), data or {})


def test_staff_without_a_second_factor_must_enrol_before_anything(client):
    newcomer = make_staff(mfa=False)
    client.force_login(newcomer)

    response = client.get(reverse("backoffice:queue"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_signing_in_as_staff_asks_for_the_second_factor(client, agent):
    from anef.testing import PASSWORD, totp_now

    response = client.post(reverse("account_login"), {"login": agent.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "2fa" in response["Location"] or "authenticate" in response["Location"]
    assert client.get(reverse("backoffice:queue")).status_code == 302

    response = client.post(response["Location"], {"code": totp_now(agent.totp_secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:queue")
    assert client.get(reverse("backoffice:queue")).status_code == 200


def test_an_applicant_gets_404_on_the_back_office(client, filed):
    client.force_login(filed.person.user)
    assert client.get(reverse("backoffice:queue")).status_code == 404
    assert client.get(reverse("backoffice:case", args=[filed.reference])).status_code == 404


def test_an_agent_of_another_prefecture_gets_404(client, filed):
    client.force_login(make_staff(prefecture_code="pref-33"))
    assert client.get(reverse("backoffice:case", args=[filed.reference])).status_code == 404
    assert act(client, filed, "start_review").status_code == 404
    filed.refresh_from_db()
    assert filed.state == State.SUBMITTED


def test_the_whole_life_of_a_file_request_answer_accept(client, agent, filed):
    client.force_login(agent)
    page = client.get(reverse("backoffice:case", args=[filed.reference]))
    assert page.status_code == 200
    assert filed.person.full_name in page.content.decode()

    act(client, filed, "start_review")
    filed.refresh_from_db()
    assert filed.state == State.IN_REVIEW
    assert filed.assigned_to == agent

    too_soon = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = act(
        client, filed, "request_information", {"documents": ["passport"], "message": "Please", "deadline": too_soon}
    )
    assert response.status_code == 400
    filed.refresh_from_db()
    assert filed.state == State.IN_REVIEW

    deadline = (timezone.localdate() + timedelta(days=20)).isoformat()
    act(
        client,
        filed,
        "request_information",
        {
            "documents": ["passport", "proof_of_address"],
            "other": "A readable passport scan",
            "message": "The scan is blurred.",
            "deadline": deadline,
        },
    )
    filed.refresh_from_db()
    assert filed.state == State.AWAITING_APPLICANT

    # The applicant sees the request, sends a document and answers.
    client.force_login(filed.person.user)
    detail = client.get(reverse("portal:application", args=[filed.reference])).content.decode()
    assert "A readable passport scan" in detail
    assert "Action" in client.get(reverse("portal:dashboard")).content.decode()
    client.post(
        reverse("portal:documents", args=[filed.reference]),
        {"requirement": "passport", "file": pdf_upload("passport-new.pdf"), "reason": "Sharper scan"},
    )
    client.post(reverse("portal:answer", args=[filed.reference]), {"answer": "New scan sent."})
    filed.refresh_from_db()
    assert filed.state == State.IN_REVIEW

    # The agent sees the answer and the new document, then accepts.
    client.force_login(agent)
    page = client.get(reverse("backoffice:case", args=[filed.reference])).content.decode()
    assert "New scan sent." in page
    assert "passport-new.pdf" in page
    for document in unchecked_documents(filed):
        client.post(reverse("backoffice:verdict", args=[filed.reference, document.pk]), {"verdict": "accepted"})
    act(client, filed, "accept", {"comment": "All good"})
    filed.refresh_from_db()
    assert filed.state == State.ACCEPTED
    kinds = [e.kind for e in filed.events.order_by("sequence") if e.to_state]
    assert kinds[-5:] == ["submit", "start_review", "request_information", "answer_request", "accept"]


def test_a_refusal_needs_grounds_and_shows_them_with_the_appeal_route(client, agent, filed):
    client.force_login(agent)
    act(client, filed, "start_review")

    response = act(client, filed, "refuse", {"ground": "conditions_not_met", "text": ""})
    assert response.status_code == 400
    filed.refresh_from_db()
    assert filed.state == State.IN_REVIEW

    act(client, filed, "refuse", {"ground": "insufficient_resources", "text": "Income below the threshold."})
    filed.refresh_from_db()
    assert filed.state == State.REFUSED
    event = filed.events.get(kind=EventKind.REFUSE)
    assert event.payload["ground"] == "insufficient_resources"
    assert event.payload["appeal_deadline"]

    client.force_login(filed.person.user)
    detail = client.get(reverse("portal:application", args=[filed.reference])).content.decode()
    assert "Income below the threshold." in detail
    assert reverse("public:procedure", args=["appeal-gracious"]) in detail


def test_closing_without_action_needs_a_reason(client, agent, filed):
    client.force_login(agent)
    assert act(client, filed, "close", {"reason_code": "duplicate", "text": ""}).status_code == 400
    act(client, filed, "close", {"reason_code": "duplicate", "text": "Filed twice by mistake."})
    filed.refresh_from_db()
    assert filed.state == State.CLOSED_NO_ACTION


def test_a_counter_agent_reads_but_cannot_decide(client, filed):
    counter = make_staff(role=Role.COUNTER_AGENT)
    client.force_login(counter)
    assert client.get(reverse("backoffice:case", args=[filed.reference])).status_code == 200

    for action in ("start_review", "accept"):
        act(client, filed, action, {"comment": ""})
    filed.refresh_from_db()
    assert filed.state == State.SUBMITTED


def test_a_transfer_moves_the_file_and_its_history(client, agent, filed):
    from anef.territory.models import Prefecture

    gironde = Prefecture.objects.get(code="pref-33")
    client.force_login(agent)
    act(client, filed, "transfer", {"prefecture": gironde.pk, "reason": "The applicant moved to Bordeaux"})

    filed.refresh_from_db()
    assert filed.prefecture == gironde
    assert client.get(reverse("backoffice:case", args=[filed.reference])).status_code == 404
    other = make_staff(prefecture_code="pref-33")
    client.force_login(other)
    page = client.get(reverse("backoffice:case", args=[filed.reference])).content.decode()
    assert "The applicant moved to Bordeaux" in page
    assert filed.events.filter(kind=EventKind.SUBMIT).exists()


def test_declaring_a_change_of_address_moves_the_open_files():
    person = make_applicant(postcode="69002")
    renewal = submitted(person, "student-renewal")
    from anef.testing import complete, draft

    move = complete(draft(person, "change-of-address"))
    move.answers = {**move.answers, "new_postcode": "33000", "new_city": "Bordeaux", "new_address_line": "1 quai"}
    move.save(update_fields=["answers"])
    from anef.applications import services

    services.application_submit(application_id=move.pk, actor=person.user)

    person.refresh_from_db()
    renewal.refresh_from_db()
    move.refresh_from_db()
    assert person.postcode == "33000"
    assert move.prefecture.code == "pref-33"
    assert renewal.prefecture.code == "pref-33"
    transfer = renewal.events.get(kind=EventKind.TRANSFER)
    assert transfer.payload["from"] == "pref-69" and transfer.payload["to"] == "pref-33"


def test_every_staff_read_of_a_file_or_document_is_logged_and_shown_to_supervisors(client, agent, filed):
    client.force_login(agent)
    client.get(reverse("backoffice:case", args=[filed.reference]))
    document = filed.uploaded_documents.first()
    response = client.get(reverse("backoffice:document", args=[filed.reference, document.pk]))
    assert response.status_code == 200

    reads = list(StaffRead.objects.filter(actor=agent).values_list("kind", flat=True))
    assert sorted(reads) == ["case", "document"]
    assert client.get(reverse("backoffice:reads")).status_code == 404

    client.force_login(make_staff(role=Role.SUPERVISOR))
    page = client.get(reverse("backoffice:reads")).content.decode()
    assert filed.reference in page and document.original_name in page


def test_a_rejected_document_shows_its_reason_to_the_applicant(client, agent, filed):
    client.force_login(agent)
    document = filed.uploaded_documents.get(requirement_code="passport")
    client.post(
        reverse("backoffice:verdict", args=[filed.reference, document.pk]),
        {"verdict": "rejected", "reason": "The photo page is cut"},
    )
    document.refresh_from_db()
    assert document.verdict == "rejected"

    client.force_login(filed.person.user)
    assert "The photo page is cut" in client.get(reverse("portal:application", args=[filed.reference])).content.decode()


def test_private_notes_are_never_shown_to_the_applicant(client, agent, filed):
    client.force_login(agent)
    act(client, filed, "note", {"text": "Check the employer's SIRET"})
    assert "Check the employer" in client.get(reverse("backoffice:case", args=[filed.reference])).content.decode()

    client.force_login(filed.person.user)
    detail = client.get(reverse("portal:application", args=[filed.reference])).content.decode()
    assert "Check the employer" not in detail
    api_events = client.get(reverse("api:application-detail", args=[filed.reference])).json()["events"]
    assert "note_add" not in [event["kind"] for event in api_events]


def test_supervisors_assign_agents_take(client, filed):
    supervisor = make_staff(role=Role.SUPERVISOR)
    agent = make_staff(role=Role.CASE_AGENT)
    colleague = make_staff(role=Role.CASE_AGENT)

    client.force_login(agent)
    act(client, filed, "assign", {"assignee": colleague.pk})
    filed.refresh_from_db()
    assert filed.assigned_to is None  # an agent cannot assign others

    act(client, filed, "take")
    filed.refresh_from_db()
    assert filed.assigned_to == agent

    client.force_login(supervisor)
    act(client, filed, "assign", {"assignee": colleague.pk})
    filed.refresh_from_db()
    assert filed.assigned_to == colleague
    assert client.get(reverse("backoffice:supervision")).status_code == 200


def test_the_queue_filters_and_searches(client, agent):
    old = submitted(make_applicant(postcode="69003"))
    Application.objects.filter(pk=old.pk).update(
        filed_at=timezone.now() - timedelta(days=100), due_at=timezone.now() - timedelta(days=40)
    )
    keep_next_due(old.pk)  # dates moved by hand
    recent = submitted(make_applicant(postcode="69003"))
    client.force_login(agent)

    def refs(**params):
        body = client.get(reverse("backoffice:queue"), params).content.decode()
        return {ref for ref in (old.reference, recent.reference) if ref in body}

    assert refs() == {old.reference, recent.reference}
    assert refs(q=recent.reference) == {recent.reference}
    assert refs(q=recent.reference.lower()) == {recent.reference}
    assert refs(q=old.person.last_name) == {old.reference}
    Person.objects.filter(pk=old.person_id).update(last_name="Okonkwo")
    assert refs(q="KONKW") == {old.reference}  # a part of the name, any case
    Person.objects.filter(pk=recent.person_id).update(last_name="Ben-Salah", date_of_birth=date(1990, 2, 3))
    assert refs(q="ben-salah") == {recent.reference}  # shaped like a file number, found as a name
    assert refs(q="03/02/1990") == refs(q="1990-02-03") == {recent.reference}
    assert refs(q="Nobody") == set()
    assert refs(overdue="yes") == {old.reference}
    assert refs(older_than=30) == {old.reference}
    assert refs(state="in_review") == set()
    assert refs(in_time="yes") == {old.reference, recent.reference}
    assert refs(sort="-filed_at") == {old.reference, recent.reference}


def test_the_queue_shows_open_files_due_first_and_finished_ones_behind_a_filter(client, agent):
    from anef.applications import review

    now = timezone.now()
    due_later = submitted(make_applicant(postcode="69003"))
    due_soon = submitted(make_applicant(postcode="69003"))
    no_target = submitted(make_applicant(postcode="69003"))
    finished = submitted(make_applicant(postcode="69003"))
    Application.objects.filter(pk=due_later.pk).update(
        filed_at=now - timedelta(days=90), due_at=now + timedelta(days=20)
    )
    Application.objects.filter(pk=due_soon.pk).update(filed_at=now - timedelta(days=5), due_at=now + timedelta(days=3))
    Application.objects.filter(pk=no_target.pk).update(filed_at=now - timedelta(days=200), due_at=None)
    review.application_close(application_id=finished.pk, actor=agent, reason_code="duplicate", text="Twice.")
    Application.objects.filter(pk=finished.pk).update(filed_at=now - timedelta(days=400))
    # Decided, still open (the card to order): nothing is due, it comes after the files that are.
    decided = submitted(make_applicant(postcode="69003"))
    review.application_start_review(application_id=decided.pk, actor=agent)
    review.application_accept(application_id=decided.pk, actor=agent)
    Application.objects.filter(pk=decided.pk).update(filed_at=now - timedelta(days=300), due_at=now)
    keep_next_due(due_later.pk, due_soon.pk, no_target.pk, finished.pk, decided.pk)  # dates moved by hand
    client.force_login(agent)

    def listed(**params):
        body = client.get(reverse("backoffice:queue"), params).content.decode()
        found = [(body.find(a.reference), a.reference) for a in (due_later, due_soon, no_target, finished, decided)]
        return [reference for position, reference in sorted(found) if position >= 0]

    # By default: the open files, the one due first on top, those with nothing due last, oldest first.
    assert listed() == [due_soon.reference, due_later.reference, decided.reference, no_target.reference]
    # The finished file is one filter away, and a state chosen explicitly shows it too.
    assert listed(scope="finished") == [finished.reference]
    assert len(listed(scope="all")) == 5
    assert listed(state="closed_no_action") == [finished.reference]
    assert listed(sort="filed_at", scope="all") == [
        finished.reference,
        decided.reference,
        no_target.reference,
        due_later.reference,
        due_soon.reference,
    ]


def test_a_file_waiting_for_the_applicant_is_due_on_its_request_deadline(client, agent):
    from anef.applications import review

    now = timezone.now()
    decision_soon = submitted(make_applicant(postcode="69003"))
    Application.objects.filter(pk=decision_soon.pk).update(due_at=now + timedelta(days=25))
    waiting = submitted(make_applicant(postcode="69003"))
    review.application_start_review(application_id=waiting.pk, actor=agent)
    review.application_request_information(
        application_id=waiting.pk,
        actor=agent,
        items=["Passport"],
        message="Please",
        deadline=timezone.localdate() + timedelta(days=16),
    )
    Application.objects.filter(pk=waiting.pk).update(due_at=now + timedelta(days=60))
    keep_next_due(decision_soon.pk, waiting.pk)  # dates moved by hand
    client.force_login(agent)

    body = client.get(reverse("backoffice:queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert body.find(waiting.reference) < body.find(decision_soon.reference)
    assert "answer due" in body and "decision expected" in body


def test_the_queue_costs_the_same_with_many_files(client, agent, django_assert_max_num_queries):
    for _ in range(3):
        submitted(make_applicant(postcode="69003"))
    client.force_login(agent)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("backoffice:queue")).status_code == 200
    for _ in range(10):
        submitted(make_applicant(postcode="69003"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("backoffice:queue")).status_code == 200


def test_the_card_is_ordered_once_the_biometrics_are_recorded_then_marked_ready(client):
    from anef.applications import review
    from anef.testing import biometrics_taken

    application = submitted(make_applicant(postcode="69003"))
    agent = make_staff(prefecture_code="pref-69")
    review.application_start_review(application_id=application.pk, actor=agent)
    review.application_accept(application_id=application.pk, actor=agent)
    client.force_login(agent)
    case_url = reverse("backoffice:case", args=[application.reference])
    page = client.get(case_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the person is invited to book an appointment" in page and "Order the card" in page

    refused = client.post(
        reverse("backoffice:act", args=[application.reference, "order_card"]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "the fingerprints and photo are not recorded" in refused.content.decode()
    application.refresh_from_db()
    assert application.state == "accepted"

    # A file accepted when acceptance still closed the invitation: the agent invites the person again.
    application.invitations.filter(kind="biometrics", status="open").update(status="cancelled")
    assert (
        "Invite the person to the biometrics appointment"
        in client.get(case_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    client.post(reverse("backoffice:act", args=[application.reference, "invite_biometrics"]))
    assert application.invitations.filter(kind="biometrics", status="open").count() == 1

    biometrics_taken(application)
    assert "recorded on" in client.get(case_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(reverse("backoffice:act", args=[application.reference, "order_card"]))
    application.refresh_from_db()
    assert application.state == "card_ordered"
    client.post(reverse("backoffice:act", args=[application.reference, "mark_card_ready"]))
    application.refresh_from_db()
    assert application.state == "card_ready"
    assert application.invitations.filter(kind="card_handover", status="open").exists()
    assert [e.actor for e in application.events.filter(kind__in=["order_card", "mark_card_ready"])] == [agent, agent]
