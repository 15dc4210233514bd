"""Periodic jobs, declared here and installed by `manage.py bootstrap` (never by hand).

`manage.py run_sweep NAME` runs any of them once, now.
"""

from django.db import transaction

SWEEPS = {
    # name: (function, every N minutes)
    "remind_request_deadlines": ("anef.notifications.reminders.remind_request_deadlines", 60),
    "escalate_overdue_requests": ("anef.applications.sweeps.escalate_overdue_requests", 60),
    "remind_stale_drafts": ("anef.notifications.reminders.remind_stale_drafts", 360),
    "retry_due_notifications": ("anef.notifications.tasks.retry_due_notifications", 1),
    "requeue_stranded_notifications": ("anef.notifications.tasks.requeue_stranded_notifications", 10),
    "issue_due_apis": ("anef.certificates.sweeps.issue_due_apis", 360),
    # Every minute: the seats asked for in a window are drawn soon after it closes.
    "draw_booking_requests": ("anef.appointments.sweeps.draw_booking_requests", 1),
    "remind_appointments": ("anef.appointments.sweeps.remind_appointments", 30),
    "pass_on_lapsed_offers": ("anef.appointments.sweeps.pass_on_lapsed_offers", 15),
    "assign_unanswered_invitations": ("anef.appointments.sweeps.assign_unanswered_invitations", 60),
    "reinvite_uncollected_cards": ("anef.appointments.sweeps.reinvite_uncollected_cards", 1440),
    "flag_unrecorded_handovers": ("anef.appointments.sweeps.flag_unrecorded_handovers", 360),
    # Once a day: each agent in charge hears of what changed on their files (one mail per agent and day).
    "send_agent_digests": ("anef.notifications.digests.send_agent_digests", 1440),
    "record_todays_figures": ("anef.transparency.services.record_todays_figures", 1440),
    "housekeeping": ("anef.core.sweeps.housekeeping", 1440),
    "apply_retention": ("anef.retention.sweeps.apply_retention", 1440),
    "sweep_submission_tokens": ("anef.core.submit_once.sweep_submission_tokens", 60),
    "sweep_orphan_files": ("anef.core.orphans.sweep_orphan_files", 1440),
    # Hourly, so that yesterday is sealed soon after GRACE; a run with nothing to seal does nothing.
    "seal_history": ("anef.applications.sealing.seal_history", 60),
}


@transaction.atomic
def install_schedules() -> int:
    """Create or update one django-q2 schedule per sweep; remove schedules of sweeps that are gone."""
    from django_q.models import Schedule

    for name, (func, minutes) in SWEEPS.items():
        Schedule.objects.update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": Schedule.MINUTES, "minutes": minutes, "repeats": -1},
        )
    Schedule.objects.exclude(name__in=SWEEPS).filter(func__startswith="anef.").delete()
    return len(SWEEPS)
