"""The daily sweep that keeps every in-time renewal covered until its decision (SPEC §5).

For each renewal filed in time and not decided (`renewals_covered_by_the_law`: one reopened by its
applicant for correction included), the coverage ends on the last day of its latest valid API, or on
the permit's expiry day if it has none yet. When that day is within ANEF_API_LEAD_DAYS, the next API
is issued, starting the day after, for three calendar months (`api_period`). It never starts before
the day it is issued: a renewal whose coverage lapsed (a refusal withdrawn on appeal long after the
permit expired) gets an API from that day, never a back-dated or already expired one. The query is
set-based; each issuance re-checks under the application's row lock, so running the sweep twice
issues nothing twice.
"""

import calendar
import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import DateField, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from anef.applications.kernel import lock_application, record_event
from anef.applications.models import Application, ApplicationEvent
from anef.applications.selectors import renewals_covered_by_the_law
from anef.applications.workflow import EventKind

from .constants import DocumentStatus, DocumentType
from .models import IssuedDocument
from .services import document_issue

logger = logging.getLogger(__name__)


class ApiIssuanceFailed(RuntimeError):
    """Raised at the end of a sweep in which some issuance failed: the task is recorded as failed
    and shown to administrators, the other applications were covered."""


def _latest_api_end():
    return Subquery(
        IssuedDocument.objects.filter(application=OuterRef("pk"), type=DocumentType.API, status=DocumentStatus.VALID)
        .values("application")
        .annotate(end=Max("valid_until"))
        .values("end")[:1],
        output_field=DateField(),
    )


API_MONTHS = 3  # "valid three months at most" (SPEC §5; CESEDA R. 431-15-2)


def api_period(start: date) -> tuple[date, date]:
    """Three calendar months from `start`: 17 February to 16 May. When the third month has no such
    day (30 November), the period ends on that month's last day (28 or 29 February)."""
    months = start.month - 1 + API_MONTHS
    year, month = start.year + months // 12, months % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if start.day > last_day:
        return start, date(year, month, last_day)
    return start, date(year, month, start.day) - timedelta(days=1)


def renewals_needing_an_api(today: date):
    horizon = today + timedelta(days=settings.ANEF_API_LEAD_DAYS)
    return (
        renewals_covered_by_the_law()
        .filter(permit_expires_on_at_filing__isnull=False)
        .annotate(covered_until=Coalesce(_latest_api_end(), "permit_expires_on_at_filing"))
        .filter(Q(covered_until__lte=horizon))
    )


def issue_one_api(application_id: int, today: date, actor=None) -> IssuedDocument | None:
    with transaction.atomic():
        application = lock_application(application_id)
        # The same rule as the sweep's selection, re-read under the lock: a pending renewal filed in
        # time whose coverage ends soon (a supervisor's "issue now" goes through here too).
        if not renewals_needing_an_api(today).filter(pk=application.pk).exists():
            return None
        current_end = IssuedDocument.objects.filter(
            application=application, type=DocumentType.API, status=DocumentStatus.VALID
        ).aggregate(end=Max("valid_until"))["end"]
        covered_until = current_end or application.permit_expires_on_at_filing
        if covered_until > today + timedelta(days=settings.ANEF_API_LEAD_DAYS):
            return None  # another sweep issued it meanwhile
        # The day after the coverage ends, or today if it has lapsed: never back-dated.
        start, end = api_period(max(covered_until + timedelta(days=1), today))
        return document_issue(
            application=application,
            type=DocumentType.API,
            valid_from=start,
            valid_until=end,
            rights=api_rights(application),
            actor=actor,
            details={
                "reference": application.reference,
                "extends_permit": application.permit_type_at_filing,
                "permit_expired_on": application.permit_expires_on_at_filing.isoformat(),
                "filed_at": application.filed_at.isoformat() if application.filed_at else None,
            },
        )


def api_rights(application: Application) -> dict:
    """The API carries the rights of the permit being renewed (CESEDA R. 431-15-2): those the
    catalogue gives that permit (`grants_work` of the renewal procedure), never what the person ticked
    in their profile."""
    return {"residence": True, "work": bool(application.procedure.grants_work)}


def api_failure_record(application_id: int, today: date, error: Exception) -> None:
    """The alert (SPEC §5): the file's history (internal) says the automatic API failed, once a day,
    and the supervisors of its prefecture see it on their page with a button to issue it now."""

    with transaction.atomic():
        application = lock_application(application_id)
        if application.events.filter(kind=EventKind.API_ISSUE_FAILED, created_at__date=today).exists():
            return
        record_event(
            application=application,
            kind=EventKind.API_ISSUE_FAILED,
            actor=None,
            payload={"error": f"{type(error).__name__}: {error}"[:300]},
        )


def apis_failing(applications, today: date):
    """Renewals still waiting for their API after a failed automatic issuance (for supervisors)."""

    last_failure = (
        ApplicationEvent.objects.filter(application=OuterRef("pk"), kind=EventKind.API_ISSUE_FAILED)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    last_api = (
        IssuedDocument.objects.filter(application=OuterRef("pk"), type=DocumentType.API)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    # A failure counts until an API is issued after it (a later period falling due is not a failure).
    ever_failed = ApplicationEvent.objects.filter(kind=EventKind.API_ISSUE_FAILED).values("application_id")
    return (
        renewals_needing_an_api(today)
        .filter(pk__in=ever_failed)  # few, from their own index: not every file of the prefecture read
        .filter(pk__in=applications.values("pk"))
        .annotate(failed_at=Subquery(last_failure), last_api_at=Subquery(last_api))
        .filter(failed_at__isnull=False)
        .filter(Q(last_api_at__isnull=True) | Q(failed_at__gt=F("last_api_at")))
        .select_related("person", "procedure")
        .order_by("covered_until")
    )


def issue_due_apis(today: date | None = None) -> int:
    today = today or timezone.localdate()
    issued, failed = 0, []
    for application_id in renewals_needing_an_api(today).values_list("pk", flat=True):
        try:
            if issue_one_api(application_id, today) is not None:
                issued += 1
        except Exception as exc:  # noqa: BLE001 - any failure is recorded, the others are covered
            logger.exception("API issuance failed for application %s", application_id)
            failed.append(application_id)
            api_failure_record(application_id, today, exc)
    if failed:
        raise ApiIssuanceFailed(f"API issuance failed for applications {failed}; {issued} issued")
    return issued
