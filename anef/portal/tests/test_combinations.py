"""Combinations of a person's files, tried through the pages as the person and the staff would
(issue 14; the matrix is docs/combinations.md)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import Role
from anef.applications import review
from anef.applications.models import Application
from anef.applications.workflow import EventKind, State
from anef.certificates.constants import DocumentStatus, DocumentType
from anef.certificates.sweeps import issue_due_apis
from anef.notifications.models import Notification
from anef.testing import awaiting_answer, make_applicant, make_staff, profile_form_data, submitted

pytestmark = pytest.mark.django_db


def _renewal_with_its_api(person):
    """A renewal filed in time, under review, holding its provisional attestation (API)."""
    renewal = submitted(person, "student-renewal")
    review.application_start_review(application_id=renewal.pk, actor=make_staff(prefecture_code="pref-69"))
    issue_due_apis(today=person.permit_expires_on)
    renewal.refresh_from_db()
    return renewal


# 2. Moving while a file waits --------------------------------------------------------------------


def test_a_new_address_in_the_profile_moves_the_waiting_renewal_and_tells_the_person(client):
    person = make_applicant(postcode="69002", permit_expires_in_days=60)
    renewal = _renewal_with_its_api(person)
    api = renewal.issued_documents.get(type=DocumentType.API)
    client.force_login(person.user)

    response = client.post(
        reverse("portal:profile"), profile_form_data(person, postcode="33000", city="Bordeaux", address_line="1 quai")
    )

    assert response.status_code == 302
    renewal.refresh_from_db()
    assert renewal.prefecture.code == "pref-33"
    transfer = renewal.events.get(kind=EventKind.TRANSFER)
    assert transfer.payload["from"] == "pref-69" and transfer.payload["to"] == "pref-33"
    notice = Notification.objects.get(event=transfer, channel="email")
    assert transfer.payload["to_name"] in notice.body
    api.refresh_from_db()
    assert api.status == DocumentStatus.VALID  # the provisional rights are untouched
    page = client.get(reverse("portal:application", args=[renewal.reference])).content.decode()
    assert transfer.payload["to_name"] in page
    # The new office's agents see the file; the old office's no longer do.
    client.force_login(make_staff(prefecture_code="pref-33"))
    assert client.get(reverse("backoffice:case", args=[renewal.reference])).status_code == 200
    client.force_login(make_staff(prefecture_code="pref-69"))
    assert client.get(reverse("backoffice:case", args=[renewal.reference])).status_code == 404


def test_a_profile_saved_without_a_new_postcode_moves_nothing(client):
    person = make_applicant(postcode="69002")
    renewal = submitted(person, "student-renewal")
    client.force_login(person.user)

    client.post(reverse("portal:profile"), profile_form_data(person, address_line="2 rue Neuve"))

    assert not renewal.events.filter(kind=EventKind.TRANSFER).exists()


def test_the_counter_changing_the_address_of_a_person_it_files_for_moves_their_other_files(client):
    from anef.applications.services import application_register_at_counter
    from anef.procedures.models import Procedure
    from anef.testing import COUNTER_IDENTITY, complete

    counter = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")
    first = application_register_at_counter(
        actor=counter, procedure=Procedure.objects.get(code="student-renewal"), identity=COUNTER_IDENTITY
    )
    person = first.person
    person.permit_type, person.permit_number = "student", "1"
    person.permit_expires_on = timezone.localdate() + timedelta(days=90)
    person.save()
    complete(first, actor=counter)
    from anef.applications.services import application_submit

    application_submit(application_id=first.pk, actor=counter)
    from anef.applications.services import application_create

    situation = Procedure.objects.get(code="change-of-situation")
    second = application_create(person=person, procedure=situation, actor=counter)
    client.force_login(counter)
    person.refresh_from_db()

    response = client.post(
        reverse("portal:application_profile", args=[second.reference]),
        profile_form_data(person, postcode="33000", city="Bordeaux"),
    )

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.prefecture.code == "pref-33"
    assert first.events.filter(kind=EventKind.TRANSFER, actor=counter).exists()


def test_an_appeal_stays_with_the_prefect_who_decided_when_the_person_moves(client):
    from anef.testing import appealed

    person = make_applicant(postcode="69002")
    refused = submitted(person, "student-renewal")
    agent = make_staff(prefecture_code="pref-69")
    review.application_start_review(application_id=refused.pk, actor=agent)
    review.application_refuse(application_id=refused.pk, actor=agent, ground="other", text="Non.")
    appeal = appealed(refused)
    client.force_login(person.user)

    client.post(reverse("portal:profile"), profile_form_data(person, postcode="33000", city="Bordeaux"))

    appeal.refresh_from_db()
    assert appeal.prefecture.code == "pref-69"


# 3. Closing while a request is open --------------------------------------------------------------


def test_a_file_waiting_for_requested_documents_cannot_be_closed_before_the_deadline(client):
    application = awaiting_answer(deadline=timezone.localdate() + timedelta(days=10))
    agent = make_staff(prefecture_code="pref-69")
    client.force_login(agent)

    response = client.post(
        reverse("backoffice:act", args=[application.reference, "close"]),
        {"reason_code": "unreachable", "text": "No news."},
    )

    assert response.status_code == 400
    deadline = (timezone.localdate() + timedelta(days=10)).strftime("%d/%m/%Y")
    assert deadline in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.AWAITING_APPLICANT


def test_once_the_deadline_has_passed_the_file_closes_and_the_letter_gives_the_appeal_route(client):
    application = awaiting_answer(deadline=timezone.localdate() - timedelta(days=1))
    agent = make_staff(prefecture_code="pref-69")
    client.force_login(agent)

    response = client.post(
        reverse("backoffice:act", args=[application.reference, "close"]),
        {"reason_code": "unreachable", "text": "No answer to the request."},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.CLOSED_NO_ACTION
    until = timezone.localdate() + timedelta(days=60)
    letter = application.issued_documents.get(type=DocumentType.DECISION_LETTER)
    assert letter.details["appeal_deadline"] == until.isoformat()
    closure = application.events.get(kind=EventKind.CLOSE_NO_ACTION)
    notice = Notification.objects.get(event=closure, channel="email")
    assert until.strftime("%d/%m/%Y") in notice.body
    client.force_login(application.person.user)
    page = client.get(reverse("portal:application", args=[application.reference])).content.decode()
    assert until.strftime("%d/%m/%Y") in page and 'id="appeal-route"' in page


def test_a_file_whose_person_answered_can_be_closed_at_once(client):
    from anef.applications.services import application_answer_request

    application = awaiting_answer(deadline=timezone.localdate() + timedelta(days=10))
    application_answer_request(application_id=application.pk, actor=application.person.user, answer="Sent.")
    client.force_login(make_staff(prefecture_code="pref-69"))

    client.post(
        reverse("backoffice:act", args=[application.reference, "close"]),
        {"reason_code": "duplicate", "text": "Filed twice."},
    )

    application.refresh_from_db()
    assert application.state == State.CLOSED_NO_ACTION


# 6. Dates that have passed -----------------------------------------------------------------------


def test_past_the_target_time_the_page_says_so_and_points_to_the_inquiry(client):
    application = submitted(make_applicant())
    Application.objects.filter(pk=application.pk).update(
        filed_at=timezone.now() - timedelta(days=400), due_at=timezone.now() - timedelta(days=340)
    )
    client.force_login(application.person.user)

    page = client.get(reverse("portal:application", args=[application.reference])).content.decode()

    passed = timezone.localdate(timezone.now() - timedelta(days=340)).strftime("%d/%m/%Y")
    assert 'id="target-passed"' in page and passed in page
    assert "Décision attendue vers" not in page and "Expected decision around" not in page
    assert 'href="#inquiry"' in page and 'id="inquiry"' in page


def test_before_the_target_time_the_page_gives_the_expected_date():
    application = submitted(make_applicant())
    from django.test import Client

    client = Client()
    client.force_login(application.person.user)
    page = client.get(reverse("portal:application", args=[application.reference])).content.decode()

    expected = timezone.localdate(application.due_at).strftime("%d/%m/%Y")
    assert expected in page and 'id="target-passed"' not in page


# 4. Withdrawing ----------------------------------------------------------------------------------


def test_the_withdrawal_confirmation_names_the_api_that_stops_and_from_when(client):
    person = make_applicant(postcode="69002", permit_expires_in_days=60)
    renewal = _renewal_with_its_api(person)
    api = renewal.issued_documents.get(type=DocumentType.API)
    client.force_login(person.user)
    today = timezone.localdate().strftime("%d/%m/%Y")

    page = client.get(reverse("portal:withdraw", args=[renewal.reference])).content.decode()

    assert 'id="api-stops"' in page
    assert api.number in page and api.valid_until.strftime("%d/%m/%Y") in page and today in page

    response = client.post(
        reverse("portal:withdraw", args=[renewal.reference]), {"reason": "Plus besoin", "confirm": "on"}, follow=True
    )

    api.refresh_from_db()
    assert api.status == DocumentStatus.REVOKED
    assert api.number in response.content.decode()  # the message after the withdrawal says it too


def test_an_agent_undoes_a_withdrawal_made_by_mistake_and_the_person_is_told(client):
    application = awaiting_answer(deadline=timezone.localdate() + timedelta(days=3))
    person = application.person
    client.force_login(person.user)
    client.post(reverse("portal:withdraw", args=[application.reference]), {"reason": "Erreur", "confirm": "on"})
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    agent = make_staff(role=Role.SUPERVISOR, prefecture_code="pref-69")
    client.force_login(agent)
    assert "restore_withdrawal" in client.get(reverse("backoffice:case", args=[application.reference])).content.decode()

    response = client.post(
        reverse("backoffice:act", args=[application.reference, "restore_withdrawal"]),
        {"reason": "Withdrawn by mistake, as the person told us on the phone."},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    # The request the person had not answered is asked again, with time to answer it.
    assert application.state == State.AWAITING_APPLICANT
    restore = application.events.get(kind=EventKind.RESTORE_WITHDRAWAL)
    assert restore.actor == agent
    assert Notification.objects.filter(event=restore).exists()
    request = application.information_requests.get()
    assert request.deadline >= timezone.localdate() + timedelta(days=15)
    client.force_login(person.user)
    page = client.get(reverse("portal:application", args=[application.reference])).content.decode()
    assert "Withdrawn by mistake" in page and 'id="request"' in page


def test_a_withdrawal_undone_after_the_person_moved_goes_on_at_the_prefecture_of_the_new_address(client):
    # Found by the stateful test: restored at the old prefecture, the file sat where the person no longer lives.
    person = make_applicant(postcode="33000")
    renewal = submitted(person)
    client.force_login(person.user)
    client.post(reverse("portal:withdraw", args=[renewal.reference]), {"reason": "Erreur", "confirm": "on"})
    client.post(reverse("portal:profile"), profile_form_data(person, postcode="69007", city="Lyon"))
    renewal.refresh_from_db()
    assert renewal.prefecture.code == "pref-33"  # a withdrawn file does not move
    client.force_login(make_staff(prefecture_code="pref-33"))

    response = client.post(
        reverse("backoffice:act", args=[renewal.reference, "restore_withdrawal"]), {"reason": "Withdrawn by mistake."}
    )

    renewal.refresh_from_db()
    assert renewal.state == State.IN_REVIEW and renewal.prefecture.code == "pref-69"
    transfer = renewal.events.get(kind=EventKind.TRANSFER)
    assert Notification.objects.filter(event=transfer).exists()
    # The agent of the old office is told where the file went, on their queue (not a page they cannot see).
    assert response["Location"] == reverse("backoffice:queue")
    queue = client.get(response["Location"]).content.decode()
    assert renewal.reference in queue and "autre préfecture" in queue
    client.force_login(make_staff(prefecture_code="pref-69"))
    assert client.get(reverse("backoffice:case", args=[renewal.reference])).status_code == 200


def test_a_withdrawal_cannot_be_undone_after_the_period(client):
    application = submitted(make_applicant())
    client.force_login(application.person.user)
    client.post(reverse("portal:withdraw", args=[application.reference]), {"reason": "Erreur", "confirm": "on"})
    Application.objects.filter(pk=application.pk).update(state_changed_at=timezone.now() - timedelta(days=31))
    client.force_login(make_staff(prefecture_code="pref-69"))

    response = client.post(
        reverse("backoffice:act", args=[application.reference, "restore_withdrawal"]), {"reason": "Mistake"}
    )

    assert response.status_code == 400
    assert "30" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN


# 1. A lost card while a renewal is pending -------------------------------------------------------


def _file_through_the_pages(client, person, code, answers):
    """The person files a procedure through the portal's pages: start, eligibility, form, documents, submit."""
    from anef.procedures.models import Procedure
    from anef.testing import complete

    procedure = Procedure.objects.get(code=code)
    client.force_login(person.user)
    response = client.post(reverse("portal:start", args=[code]))
    application = person.applications.filter(procedure=procedure).latest("created_at")
    assert response.status_code == 302
    if procedure.questions:
        data = {q["name"]: "yes" if q["expected"] else "no" for q in procedure.questions}
        eligibility = client.post(reverse("portal:eligibility", args=[application.reference]), data)
        assert eligibility.status_code == 302, eligibility.content.decode()
    complete(application)
    application.answers = {**application.answers, **answers}
    application.save(update_fields=["answers"])
    response = client.post(reverse("portal:review", args=[application.reference]))
    application.refresh_from_db()
    assert application.state == State.SUBMITTED, response.content.decode()[:2000]
    return application


def test_a_lost_card_is_declared_while_the_renewal_is_under_review_and_the_renewal_makes_the_card(client):
    person = make_applicant(postcode="69002", permit_expires_in_days=60)  # well within four months
    renewal = _renewal_with_its_api(person)

    duplicate = _file_through_the_pages(client, person, "card-duplicate", {"reason": "lost"})

    joined = renewal.events.get(kind=EventKind.DECLARATION_JOINED)
    assert joined.payload["declaration"] == duplicate.reference and joined.payload["replaces_lost_card"]
    agent = make_staff(prefecture_code="pref-69")
    client.force_login(agent)
    page = client.get(reverse("backoffice:case", args=[renewal.reference])).content.decode()
    assert duplicate.reference in page and 'id="declaration-1"' in page
    # The duplicate orders no card while the renewal may make one.
    review.application_start_review(application_id=duplicate.pk, actor=agent)
    review.application_accept(application_id=duplicate.pk, actor=agent)
    response = client.post(reverse("backoffice:act", args=[duplicate.reference, "order_card"]), follow=True)
    duplicate.refresh_from_db()
    assert duplicate.state == State.ACCEPTED
    assert renewal.reference in response.content.decode()
    # The person reads where it went.
    client.force_login(person.user)
    page = client.get(reverse("portal:application", args=[duplicate.reference])).content.decode()
    assert renewal.reference in page


def test_if_the_renewal_ends_without_a_card_the_duplicate_makes_it():
    from anef.applications.declarations import card_made_by_the_renewal
    from anef.applications.services import application_withdraw
    from anef.testing import complete, draft

    person = make_applicant(postcode="69002", permit_expires_in_days=60)
    renewal = submitted(person, "student-renewal")
    duplicate = complete(draft(person, "card-duplicate"))
    from anef.applications.services import application_submit

    application_submit(application_id=duplicate.pk, actor=person.user)
    from anef.applications.errors import ApplicationError

    with pytest.raises(ApplicationError):
        card_made_by_the_renewal(duplicate)
    application_withdraw(application_id=renewal.pk, actor=person.user)
    card_made_by_the_renewal(duplicate)  # nothing refuses the card any more


def test_a_move_is_declared_whatever_the_permit_end_and_the_renewal_follows(client):
    person = make_applicant(postcode="69002", permit_expires_in_days=61)
    renewal = _renewal_with_its_api(person)

    move = _file_through_the_pages(
        client,
        person,
        "change-of-address",
        {"new_postcode": "33000", "new_city": "Bordeaux", "new_address_line": "1 quai des Chartrons"},
    )

    renewal.refresh_from_db()
    assert move.prefecture.code == "pref-33" and renewal.prefecture.code == "pref-33"
    assert renewal.events.filter(kind=EventKind.TRANSFER).count() == 1
    assert renewal.events.get(kind=EventKind.DECLARATION_JOINED).payload["declaration"] == move.reference
    assert renewal.issued_documents.get(type=DocumentType.API).status == DocumentStatus.VALID


def test_a_change_of_family_situation_reaches_the_agent_of_the_pending_renewal(client):
    person = make_applicant(postcode="69002", permit_expires_in_days=60)
    renewal = _renewal_with_its_api(person)

    declaration = _file_through_the_pages(client, person, "change-of-situation", {})

    joined = renewal.events.get(kind=EventKind.DECLARATION_JOINED)
    assert joined.payload["declaration"] == declaration.reference
    assert "replaces_lost_card" not in joined.payload


# 5. Agents learn of changes ----------------------------------------------------------------------


def _queue(client, **params):
    return client.get(reverse("backoffice:queue"), params).content.decode()


def test_an_answer_and_a_replaced_document_show_as_news_in_the_queue_and_in_one_daily_digest(client, mailoutbox):
    from anef.documents.services import document_upload
    from anef.notifications.digests import send_agent_digests
    from anef.testing import pdf_upload, run_queued_tasks

    application = awaiting_answer(deadline=timezone.localdate() + timedelta(days=10))
    application.refresh_from_db()
    agent = application.assigned_to
    client.force_login(agent)
    client.get(reverse("backoffice:case", args=[application.reference]))  # the agent has looked
    assert "anef-news" not in _queue(client)

    client.force_login(application.person.user)
    client.post(reverse("portal:answer", args=[application.reference]), {"answer": "Voici mon passeport."})
    document_upload(
        application_id=application.pk,
        requirement_code=application.uploaded_documents.first().requirement_code,
        uploaded=pdf_upload("nouveau.pdf"),
        actor=application.person.user,
        reason="Plus lisible",
    )

    client.force_login(agent)
    assert "anef-news" in _queue(client)
    assert application.reference in _queue(client, news="yes")
    assert application.reference not in _queue(client, news="no")

    assert send_agent_digests() == 1
    assert send_agent_digests() == 0  # the same day: nothing more
    run_queued_tasks()
    digests = [m for m in mailoutbox if m.to == [agent.email]]
    assert len(digests) == 1
    assert application.reference in digests[0].body
    assert str(EventKind.ANSWER_REQUEST.label) in digests[0].body

    client.get(reverse("backoffice:case", args=[application.reference]))  # the agent opens the file
    assert application.reference not in _queue(client, news="yes")


def test_what_the_agent_does_is_no_news_to_them(client):
    from anef.notifications.digests import send_agent_digests

    application = submitted(make_applicant())
    agent = make_staff(prefecture_code="pref-69")
    review.application_start_review(application_id=application.pk, actor=agent)
    client.force_login(agent)

    assert "anef-news" not in _queue(client)
    assert send_agent_digests() == 0
