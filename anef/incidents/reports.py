"""Problems with the service reported by anyone from the help page (issue 15): kept, mailed to the
national administrators through the task outbox (enqueued in the report's transaction), listed in
the back office, and counted on the incidents they fall in."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from anef.accounts.constants import Role
from anef.accounts.models import User
from anef.core.links import absolute
from anef.core.tasks import enqueue

from .models import Incident, ProblemReport

SEND_TASK = "anef.incidents.reports.problem_report_send"


def problem_report_submit(
    *, what_happened: str, page: str = "", contact: str = "", actor: User | None = None, prefecture=None
) -> ProblemReport:
    """Keep a report and enqueue the administrators' mail in the same transaction (the outbox)."""
    with transaction.atomic():
        report = ProblemReport.objects.create(
            what_happened=what_happened.strip(),
            page=page.strip(),
            contact=contact.strip(),
            reporter=actor if actor is not None and actor.is_authenticated else None,
            prefecture=prefecture,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        enqueue(SEND_TASK, report.pk)
    return report


def problem_report_send(report_id: int) -> str:
    """Task: mail the report to every active national administrator, once (row lock, `notified_at`)."""
    with transaction.atomic():
        report = (
            ProblemReport.objects.select_for_update(of=("self",))
            .select_related("prefecture", "reporter")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.notified_at is not None:
            return "nothing to do"
        recipients = list(
            User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).order_by("pk").values_list("email", flat=True)
        )
        if recipients:
            with translation.override(settings.LANGUAGE_CODE):
                context = {"report": report, "link": absolute(reverse("backoffice:problem_reports"))}
                subject = render_to_string("incidents/problem_report_subject.txt", context).strip()
                body = render_to_string("incidents/problem_report_body.txt", context).strip()
            EmailMessage(
                subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
                body=body,
                to=recipients,
                headers={"Message-ID": f"<problem-report.{report.pk}@anef.incidents>"},
            ).send(fail_silently=False)
        report.notified_at = timezone.now()
        report.save(update_fields=["notified_at"])
    return "sent" if recipients else "no administrator"


def report_counts(incidents: list[Incident]) -> dict[int, int]:
    """{incident id: reports received during it}, in one query over the span of all of them."""
    if not incidents:
        return {}
    start = min(incident.starts_at for incident in incidents)
    rows = list(ProblemReport.objects.filter(created_at__gte=start).values_list("created_at", "prefecture_id"))
    now = timezone.now()
    return {
        incident.pk: sum(
            1
            for created_at, prefecture_id in rows
            if incident.starts_at <= created_at <= (incident.ends_at or now)
            and (incident.prefecture_id is None or prefecture_id in (None, incident.prefecture_id))
        )
        for incident in incidents
    }
