import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anef.accounts.constants import Role
from anef.applications.models import Application
from anef.messaging.models import Attachment, Message, MessageTemplate
from anef.messaging.selectors import threads_waiting_for_staff
from anef.notifications.models import Notification
from anef.testing import draft, make_applicant, make_staff, pdf_upload, run_queued_tasks, submitted

pytestmark = pytest.mark.django_db


def test_applicant_writes_agent_reads_and_answers_applicant_is_notified(client):
    application = submitted(make_applicant())
    agent = make_staff()
    client.force_login(application.person.user)
    response = client.post(
        reverse("portal:messages", args=[application.reference]),
        {"body": "Where is my file?", "attachment": pdf_upload("letter.pdf")},
    )
    assert response.status_code == 302
    message = Message.objects.get(application=application)
    assert message.read_at is None
    assert message.attachments.get().original_name == "letter.pdf"
    assert not Notification.objects.filter(application=application, kind="message").exists()

    client.force_login(agent)
    queue = client.get(reverse("backoffice:queue")).content.decode()
    assert reverse("backoffice:messages", args=[application.reference]) in queue  # unread badge
    page = client.get(reverse("backoffice:messages", args=[application.reference])).content.decode()
    assert "Where is my file?" in page
    message.refresh_from_db()
    assert message.read_at is not None  # read receipt
    client.post(reverse("backoffice:messages", args=[application.reference]), {"body": "It is under review."})

    run_queued_tasks()
    assert Notification.objects.filter(application=application, kind="message").exists()
    client.force_login(application.person.user)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert "1" in dashboard and "message" in dashboard.lower()
    thread = client.get(reverse("portal:messages", args=[application.reference])).content.decode()
    assert "It is under review." in thread
    assert Message.objects.filter(application=application, side="prefecture", read_at__isnull=False).count() == 1
    kinds = list(application.events.filter(kind="message").values_list("payload__side", flat=True))
    assert kinds == ["applicant", "prefecture"]


def test_a_bad_attachment_is_refused_and_nothing_is_stored(client):
    application = submitted(make_applicant())
    client.force_login(application.person.user)

    response = client.post(
        reverse("portal:messages", args=[application.reference]),
        {"body": "See attached", "attachment": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" * 50)},
    )

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()


def test_no_thread_on_a_draft_and_no_empty_message(client):
    person = make_applicant()
    application = draft(person)
    client.force_login(person.user)
    assert client.post(reverse("portal:messages", args=[application.reference]), {"body": "hi"}).status_code == 400
    filed = submitted(make_applicant())
    client.force_login(filed.person.user)
    assert client.post(reverse("portal:messages", args=[filed.reference]), {"body": "  "}).status_code == 400
    assert not Message.objects.exists()


def test_another_applicant_and_another_prefecture_get_404(client):
    application = submitted(make_applicant())
    client.force_login(make_applicant().user)
    assert client.get(reverse("portal:messages", args=[application.reference])).status_code == 404
    assert client.post(reverse("portal:messages", args=[application.reference]), {"body": "x"}).status_code == 404
    client.force_login(make_staff(prefecture_code="pref-33"))
    assert client.get(reverse("backoffice:messages", args=[application.reference])).status_code == 404
    assert not Message.objects.exists()


def test_supervisors_see_threads_waiting_for_staff_oldest_first(client):
    from anef.messaging.services import message_send

    older = submitted(make_applicant())
    newer = submitted(make_applicant())
    answered = submitted(make_applicant())
    agent = make_staff()
    message_send(application_id=older.pk, actor=older.person.user, body="first")
    message_send(application_id=newer.pk, actor=newer.person.user, body="second")
    message_send(application_id=answered.pk, actor=answered.person.user, body="third")
    message_send(application_id=answered.pk, actor=agent, body="answer")

    waiting = list(threads_waiting_for_staff(Application.objects.all()).values_list("pk", flat=True))
    assert waiting == [older.pk, newer.pk]

    client.force_login(make_staff(role=Role.SUPERVISOR))
    page = client.get(reverse("backoffice:supervision")).content.decode()
    assert page.index(older.reference) < page.index(newer.reference)


def test_staff_can_start_from_a_message_template(client):
    application = submitted(make_applicant(language="en"))
    template = MessageTemplate.objects.create(
        procedure=application.procedure,
        title="Missing scan",
        body_fr="Il manque un scan.",
        body_en="A scan is missing.",
    )
    client.force_login(make_staff())
    page = client.get(reverse("backoffice:messages", args=[application.reference]), {"template": template.pk})
    assert "A scan is missing." in page.content.decode()
