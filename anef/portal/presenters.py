"""Shape data for templates (no rule here: what may be done is decided by services)."""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anef.applications.models import Application
from anef.applications.workflow import PENDING_DECISION_STATES


def application_steps(application: Application, current: str) -> dict:
    steps = []
    if application.procedure.questions:
        steps.append(("eligibility", _("Eligibility"), "portal:eligibility"))
    steps += [
        ("form", _("Your situation"), "portal:form"),
        ("documents", _("Documents"), "portal:documents"),
        ("review", _("Check and submit"), "portal:review"),
    ]
    index = next(i for i, step in enumerate(steps) if step[0] == current)
    return {
        "current_number": index + 1,
        "total": len(steps),
        "current_title": steps[index][1],
        "next_title": steps[index + 1][1] if index + 1 < len(steps) else None,
        "links": [
            {"title": title, "url": reverse(name, args=[application.reference]), "current": key == current}
            for key, title, name in steps
        ],
    }


def estimated_decision_date(application: Application) -> date | None:
    if application.due_at is None or application.state not in PENDING_DECISION_STATES:
        return None
    return timezone.localdate(application.due_at)
