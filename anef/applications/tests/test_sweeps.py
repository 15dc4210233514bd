from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from anef.applications import sweeps
from anef.applications.models import Application
from anef.core.testing import awaiting_answer, draft, make_applicant, run_queued_tasks
from anef.notifications import reminders
from anef.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _awaiting(deadline_in_days):
    return awaiting_answer(deadline=timezone.localdate() + timedelta(days=deadline_in_days))


def test_a_reminder_before_the_deadline_is_sent_once_even_if_the_sweep_runs_twice():
    application = _awaiting(3)
    far = _awaiting(12)

    assert reminders.remind_request_deadlines() == 1
    assert reminders.remind_request_deadlines() == 0
    run_queued_tasks()

    assert Notification.objects.filter(application=application, kind="request_reminder").count() == 1
    assert not Notification.objects.filter(application=far, kind="request_reminder").exists()


def test_an_unanswered_request_is_escalated_once_after_its_deadline(client):
    application = _awaiting(-1)

    assert sweeps.escalate_overdue_requests() == 1
    assert sweeps.escalate_overdue_requests() == 0

    assert application.events.filter(kind="request_overdue").count() == 1
    client.force_login(application.person.user)
    timeline = client.get(f"/espace/dossiers/{application.reference}/").content.decode()
    assert "request_overdue" not in timeline


def test_a_stale_draft_gets_one_reminder():
    stale = draft(make_applicant())
    fresh = draft(make_applicant())
    Application.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=8))

    call_command("run_sweep", "remind_stale_drafts")
    call_command("run_sweep", "remind_stale_drafts")

    assert Notification.objects.filter(application=stale, kind="draft_reminder").count() == 1
    assert not Notification.objects.filter(application=fresh, kind="draft_reminder").exists()


def test_schedules_are_installed_by_the_setup_command_and_idempotent():
    from django_q.models import Schedule

    from anef.core.schedules import SWEEPS, install_schedules

    install_schedules()
    install_schedules()
    assert set(Schedule.objects.values_list("name", flat=True)) == set(SWEEPS)
