import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django_q.models import OrmQ

from anef.accounts.constants import Role
from anef.applications import review
from anef.notifications.constants import MAX_ATTEMPTS, Channel, NotificationState
from anef.notifications.models import Notification
from anef.notifications.sms import MemorySmsBackend
from anef.notifications.tasks import send_notification
from anef.testing import complete, draft, make_applicant, make_staff, run_queued_tasks, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_sms_outbox():
    MemorySmsBackend.outbox.clear()


def test_a_submission_notifies_by_email_and_sms_in_the_persons_language():
    person = make_applicant(language="en")
    person.phone = "0612345678"
    person.save(update_fields=["phone"])

    application = submitted(person)
    notifications = Notification.objects.filter(application=application, kind="submit")
    assert {n.channel for n in notifications} == {Channel.EMAIL, Channel.SMS}
    assert all(n.state == NotificationState.QUEUED for n in notifications)

    run_queued_tasks()

    assert len(mail.outbox) == 1
    assert application.reference in mail.outbox[0].subject
    assert "Application submitted" in mail.outbox[0].subject
    assert "Hello" in mail.outbox[0].body
    assert len(MemorySmsBackend.outbox) == 1
    assert all(n.state == NotificationState.SENT for n in Notification.objects.filter(application=application))


def test_a_retried_or_duplicated_task_sends_nothing_twice():
    application = submitted(make_applicant())
    notification = Notification.objects.get(application=application, kind="submit", channel=Channel.EMAIL)

    send_notification(notification.pk)
    send_notification(notification.pk)
    run_queued_tasks()

    assert len(mail.outbox) == 1


def test_a_change_that_rolls_back_enqueues_nothing_and_sends_nothing():
    person = make_applicant()
    application = complete(draft(person))
    before_tasks = OrmQ.objects.count()
    before_notifications = Notification.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        from anef.applications import services

        services.application_submit(application_id=application.pk, actor=person.user)
        assert Notification.objects.count() > before_notifications  # created inside the transaction
        raise RuntimeError("the database dies halfway")

    assert Notification.objects.count() == before_notifications
    assert OrmQ.objects.count() == before_tasks
    run_queued_tasks()
    assert not any("submitted" in m.subject.lower() or "déposée" in m.subject.lower() for m in mail.outbox)


def test_a_person_without_email_or_phone_gets_a_paper_letter():
    person = make_applicant()
    person.email = ""
    person.phone = ""
    person.save(update_fields=["email", "phone"])

    application = submitted(person)
    run_queued_tasks()

    letter = Notification.objects.get(application=application, kind="submit")
    assert letter.channel == Channel.LETTER
    assert letter.state == NotificationState.SENT
    assert letter.letter.read(4) == b"%PDF"


def test_a_provider_failure_is_retried_with_backoff_then_shown_as_failed(settings, client):
    settings.ANEF_SMS_BACKEND = "anef.notifications.sms.FailingSmsBackend"
    person = make_applicant()
    person.email = ""
    person.phone = "0612345678"
    person.save(update_fields=["email", "phone"])
    application = submitted(person)
    notification = Notification.objects.get(application=application, kind="submit")

    send_notification(notification.pk)
    notification.refresh_from_db()
    assert notification.state == NotificationState.RETRYING
    assert notification.next_attempt_at is not None
    assert "unreachable" in notification.last_error

    for _ in range(MAX_ATTEMPTS):
        Notification.objects.filter(pk=notification.pk).update(state=NotificationState.QUEUED)
        send_notification(notification.pk)
    notification.refresh_from_db()
    assert notification.state == NotificationState.FAILED

    supervisor = make_staff(role=Role.SUPERVISOR)
    client.force_login(supervisor)
    page = client.get(reverse("backoffice:failures")).content.decode()
    assert application.reference in page
    settings.ANEF_SMS_BACKEND = "anef.notifications.sms.MemorySmsBackend"
    client.post(reverse("backoffice:failures"), {"notification": notification.pk})
    run_queued_tasks()
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT


def test_the_retry_sweep_picks_up_due_notifications_once(settings):
    from django.utils import timezone

    from anef.notifications.tasks import retry_due_notifications

    application = submitted(make_applicant())
    notification = Notification.objects.get(application=application, kind="submit", channel=Channel.EMAIL)
    OrmQ.objects.all().delete()
    Notification.objects.filter(pk=notification.pk).update(
        state=NotificationState.RETRYING, next_attempt_at=timezone.now()
    )

    assert retry_due_notifications() == 1
    assert retry_due_notifications() == 0
    run_queued_tasks()
    assert len(mail.outbox) == 1


def test_the_applicant_reads_their_notifications_and_nobody_elses(client):
    mine = submitted(make_applicant())
    theirs = submitted(make_applicant())
    client.force_login(mine.person.user)

    page = client.get(reverse("portal:notifications")).content.decode()

    assert mine.reference in page
    assert theirs.reference not in page


def test_review_events_notify_the_applicant_but_internal_ones_do_not():
    application = submitted(make_applicant())
    agent = make_staff()
    review.application_take(application_id=application.pk, actor=agent)
    review.note_add(application_id=application.pk, actor=agent, text="internal")
    review.application_start_review(application_id=application.pk, actor=agent)

    kinds = set(Notification.objects.filter(application=application).values_list("kind", flat=True))
    assert kinds == {"submit", "start_review", "appointment_invite"}
