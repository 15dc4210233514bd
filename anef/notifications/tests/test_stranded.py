"""A notification never stays queued without a task that will send it."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from django_q.models import OrmQ

from anef.notifications.constants import NotificationState
from anef.notifications.models import Notification
from anef.notifications.tasks import requeue_stranded_notifications
from anef.testing import make_applicant, run_queued_tasks, submitted

pytestmark = pytest.mark.django_db


def _age(queryset, minutes):
    queryset.update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_a_queued_notification_whose_task_was_lost_is_sent_after_the_sweep():
    application = submitted(make_applicant())
    notification = Notification.objects.get(application=application, kind="submit")
    OrmQ.objects.all().delete()  # its task failed before it locked the row: nothing will send it
    _age(Notification.objects.filter(pk=notification.pk), settings.ANEF_NOTIFICATION_STRANDED_MINUTES + 1)

    assert requeue_stranded_notifications() == {"requeued": 1}
    assert requeue_stranded_notifications() == {"requeued": 0}  # its new task is pending now
    run_queued_tasks()

    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert len(mail.outbox) == 1


def test_notifications_with_a_pending_task_or_young_ones_are_left_alone():
    application = submitted(make_applicant())
    pending = Notification.objects.get(application=application, kind="submit")
    _age(Notification.objects.filter(pk=pending.pk), settings.ANEF_NOTIFICATION_STRANDED_MINUTES + 1)
    young = submitted(make_applicant())
    OrmQ.objects.filter(pk=OrmQ.objects.order_by("-pk").first().pk).delete()  # the young one's task is lost

    assert requeue_stranded_notifications() == {"requeued": 0}
    assert Notification.objects.filter(application=young, state=NotificationState.QUEUED).exists()


def test_a_late_duplicate_task_sends_nothing_twice():
    application = submitted(make_applicant())
    notification = Notification.objects.get(application=application, kind="submit")
    _age(Notification.objects.filter(pk=notification.pk), settings.ANEF_NOTIFICATION_STRANDED_MINUTES + 1)
    OrmQ.objects.all().delete()
    requeue_stranded_notifications()
    from anef.notifications.tasks import send_notification

    send_notification(notification.pk)  # the lost task turns up after all
    run_queued_tasks()

    assert len(mail.outbox) == 1
