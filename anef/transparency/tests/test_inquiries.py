"""Formal inquiries: offered once a file waits longer than 9 files in 10, answered by the
prefecture in writing, followed by supervisors; only the file's people can ask or answer."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anef.applications import services
from anef.applications.errors import ApplicationError
from anef.applications.workflow import EventKind
from anef.notifications.models import Notification
from anef.testing import make_applicant, make_staff, paper_person, race, run_queued_tasks, submitted
from anef.transparency.inquiries import inquiry_send
from anef.transparency.models import Inquiry
from anef.transparency.services import figures_backfill

from .test_figures import decided, filed

pytestmark = pytest.mark.django_db


def prefecture_times():
    """Five recent decisions at the Rhône: half within 30 days, 9 in 10 within 50 days."""
    for waited in (10, 20, 30, 40, 50):
        decided(waited)


def late_file(days=60):
    prefecture_times()
    application = filed(days)
    figures_backfill(weeks=1)
    type(application.person).objects.filter(pk=application.person.pk).update(preferred_language="en")
    return application


def send(client, application, text="Mon titre expire bientôt."):
    client.force_login(application.person.user)
    return client.post(reverse("portal:inquiry", args=[application.reference]), {"text": text})


def test_a_file_within_the_usual_times_is_not_offered_an_inquiry_and_a_forced_one_changes_nothing(client):
    prefecture_times()
    application = filed(40)
    figures_backfill(weeks=1)
    client.force_login(application.person.user)
    page = client.get(reverse("portal:application", args=[application.reference])).content.decode()
    assert reverse("portal:inquiry", args=[application.reference]) not in page
    response = send(client, application, "Où en est mon dossier ?")
    assert response.status_code == 400
    assert "Où en est mon dossier ?" in response.content.decode()  # what was typed is kept
    assert not Inquiry.objects.exists()


def test_a_late_file_gets_its_inquiry_once_and_the_history_and_the_person_know(client):
    application = late_file()
    client.force_login(application.person.user)
    page = client.get(reverse("portal:application", args=[application.reference])).content.decode()
    assert "Your file has waited longer than 9 files in 10" in page

    response = send(client, application)
    assert response.status_code == 302
    inquiry = Inquiry.objects.get(application=application)
    assert inquiry.answer_due_on == timezone.localdate() + timedelta(days=15)
    event = application.events.get(kind=EventKind.INQUIRY_SEND)
    assert event.reason == "Mon titre expire bientôt."
    assert Notification.objects.filter(application=application, kind="inquiry_send").exists()

    again = send(client, application, "Encore")
    assert again.status_code == 400
    assert "already waiting for its answer" in again.content.decode()
    assert Inquiry.objects.count() == 1
    page = client.get(reverse("portal:application", args=[application.reference])).content.decode()
    assert "Your inquiry is with the prefecture" in page


def test_the_agent_answers_and_the_applicant_reads_the_answer_on_the_file_and_in_a_message(client):
    application = late_file()
    send(client, application)
    agent = make_staff(prefecture_code="pref-69")
    client.force_login(agent)
    url = reverse("backoffice:act", args=[application.reference, "answer_inquiry"])
    supervision = make_staff(role="supervisor", prefecture_code="pref-69")

    assert client.post(url, {"text": "  "}).status_code == 400  # an answer has a text
    assert Inquiry.objects.get().answered_at is None
    client.force_login(supervision)
    board = client.get(reverse("backoffice:supervision"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert application.reference in board and "Formal inquiries to answer (1)" in board

    client.force_login(agent)
    case = client.get(
        reverse("backoffice:case", args=[application.reference]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Formal inquiry from the applicant" in case and "Mon titre expire bientôt." in case
    assert client.post(url, {"text": "Décision avant la fin du mois."}).status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.answered_by == agent and inquiry.answer == "Décision avant la fin du mois."
    assert application.events.filter(kind=EventKind.INQUIRY_ANSWER).count() == 1
    run_queued_tasks()
    answer_mail = Notification.objects.get(application=application, kind="inquiry_answer", channel="email")
    assert "Décision avant la fin du mois." in answer_mail.body

    client.force_login(application.person.user)
    page = client.get(reverse("portal:application", args=[application.reference])).content.decode()
    assert "The prefecture's answer to your inquiry" in page and "Décision avant la fin du mois." in page
    assert reverse("portal:inquiry", args=[application.reference]) not in page  # not again so soon
    client.force_login(supervision)
    assert (
        "Formal inquiries to answer (0)"
        in client.get(reverse("backoffice:supervision"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_after_an_answer_the_person_may_ask_again_a_month_later():
    application = late_file()
    inquiry_send(application_id=application.pk, actor=application.person.user)
    Inquiry.objects.update(answered_at=timezone.now() - timedelta(days=31), answer="Réponse.")
    inquiry_send(application_id=application.pk, actor=application.person.user)
    assert Inquiry.objects.filter(answered_at__isnull=True).count() == 1


def test_nobody_else_can_send_or_answer_an_inquiry_on_the_file(client):
    application = late_file()
    client.force_login(make_applicant().user)
    assert client.post(reverse("portal:inquiry", args=[application.reference]), {"text": ""}).status_code == 404
    send(client, application)
    client.force_login(make_staff(prefecture_code="pref-33"))
    url = reverse("backoffice:act", args=[application.reference, "answer_inquiry"])
    assert client.post(url, {"text": "Réponse"}).status_code == 404
    client.force_login(make_staff(role="counter_agent", prefecture_code="pref-69"))
    response = client.post(url, {"text": "Réponse"})
    assert response.status_code == 400
    assert Inquiry.objects.get().answered_at is None


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_inquiries_sent_at_once_give_one():
    application = late_file()
    user = application.person.user
    outcomes = race([lambda: inquiry_send(application_id=application.pk, actor=user) for _ in range(4)])
    assert sorted(outcomes) == ["ApplicationError"] * 3 + ["ok"]
    assert Inquiry.objects.count() == 1
    assert application.events.filter(kind=EventKind.INQUIRY_SEND).count() == 1


def test_where_the_prefecture_decides_too_little_the_national_times_then_the_target_time_apply():
    application = filed(40)  # no decision anywhere: the target time of the procedure (60 days) applies
    figures_backfill(weeks=1)
    with pytest.raises(ApplicationError):
        inquiry_send(application_id=application.pk, actor=application.person.user)
    for waited in (5, 6, 7, 8, 9):
        decided(waited, postcode="33000")  # decided in the Gironde only: nationally 9 in 10 within 9 days
    figures_backfill(weeks=1)
    assert inquiry_send(application_id=application.pk, actor=application.person.user).answered_at is None


def test_an_inquiry_left_unanswered_leaves_the_lists_once_the_file_ends(client):
    application = late_file()
    send(client, application)
    services.application_withdraw(application_id=application.pk, actor=application.person.user, reason="Parti.")
    client.force_login(make_staff(role="supervisor", prefecture_code="pref-69"))
    board = client.get(reverse("backoffice:supervision"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Formal inquiries to answer (0)" in board
    client.force_login(application.person.user)
    page = client.get(reverse("portal:application", args=[application.reference])).content.decode()
    assert "Your inquiry is with the prefecture" not in page


def test_the_counter_sends_the_inquiry_for_a_person_without_an_account(client):
    prefecture_times()
    person = paper_person()
    application = submitted(person)
    type(person).objects.filter(pk=person.pk).update(user=None)  # as registered at the counter: no account
    type(application).objects.filter(pk=application.pk).update(filed_at=timezone.now() - timedelta(days=60))
    figures_backfill(weeks=1)
    counter = make_staff(role="counter_agent", prefecture_code="pref-69")
    client.force_login(counter)
    case = client.get(reverse("backoffice:case", args=[application.reference]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Send a formal inquiry for the person" in case.content.decode()
    url = reverse("backoffice:act", args=[application.reference, "send_inquiry"])
    assert client.post(url, {"text": "Venu au guichet."}).status_code == 302
    inquiry = Inquiry.objects.get(application=application)
    assert inquiry.asked_by == counter and inquiry.text == "Venu au guichet."
    run_queued_tasks()
    assert Notification.objects.filter(application=application, kind="inquiry_send", channel="letter").exists()

    online = late_file()  # a person with an account asks themselves
    assert (
        client.post(reverse("backoffice:act", args=[online.reference, "send_inquiry"]), {"text": ""}).status_code == 400
    )
    assert not Inquiry.objects.filter(application=online).exists()
