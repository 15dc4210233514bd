"""What a notification says, in the person's language."""

from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from anef.applications.requested import requested_items
from anef.applications.wording import reason_of
from anef.applications.workflow import EventKind
from anef.core.links import absolute
from anef.procedures.constants import IssuedDocumentType


def _date_of(value) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _shown_date(value) -> str:
    """A date of a payload as the reader writes it (older payloads hold it already written out)."""
    day = _date_of(value)
    return date_format(day, "SHORT_DATE_FORMAT") if day else (value or "")


def render_for_event(*, event, person, application) -> dict:
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "person": person,
            "application": application,
            "event": event,
            "label": event.get_kind_display(),
            "procedure": application.procedure.title,
            "link": absolute(reverse("portal:application", args=[application.reference])),
            "deadline": _shown_date(event.payload.get("deadline")),
            "requested": requested_items(application.procedure, event.payload.get("requested", [])),
            "appointment": event.payload if event.kind.startswith("appointment_") else None,
            "appeal_until": _date_of(event.payload.get("appeal_deadline")),
        }
        reason, written_in = reason_of(event)
        context["reason"] = reason
        context["reason_in_french"] = bool(reason) and written_in != translation.get_language()
        if event.payload.get("helper_structure") and event.actor is not None:
            context["helper_name"] = event.actor.get_full_name() or event.actor.email
            context["structure"] = event.payload["helper_structure"]
            context["helpers_link"] = absolute(reverse("portal:helpers"))
        if event.kind == EventKind.APPOINTMENT_OFFER:
            context["link"] = absolute(reverse("portal:offer", args=[event.payload["offer"]]))
        if event.kind in (EventKind.APPOINTMENT_INVITE, EventKind.HANDOVER_UNRECORDED):
            invitation = application.invitations.filter(pk=event.payload.get("invitation")).first()
            if invitation is not None:
                context["link"] = absolute(reverse("portal:booking", args=[invitation.token]))
        announces_a_document = event.kind == EventKind.DOCUMENT_ISSUE
        if announces_a_document:
            context["document"] = _document(event.payload)
        subject = render_to_string("notifications/event_subject.txt", context).strip()
        body = render_to_string("notifications/event_body.txt", context).strip()
        sms = render_to_string("notifications/event_sms.txt", context).strip()
        # On paper, an issued document travels inside the letter (delivery.letter_pdf), not as a link
        # to a space a person known by post may not have.
        letter = render_to_string("notifications/event_body.txt", {**context, "enclosed": announces_a_document})
    return {"subject": subject, "body": body, "sms": sms, "letter": letter.strip()}


def _document(payload: dict) -> dict:
    def day(value):
        return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT") if value else ""

    return {
        "label": IssuedDocumentType(payload["type"]).label,
        "number": payload.get("document", ""),
        "valid_from": day(payload.get("valid_from")),
        "valid_until": day(payload.get("valid_until")),
    }


def render_reminder(*, kind: str, person, application, **extra) -> dict:
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "person": person,
            "application": application,
            "procedure": application.procedure.title,
            "link": absolute(reverse("portal:application", args=[application.reference])),
            **extra,
        }
        subject = render_to_string(f"notifications/{kind}_subject.txt", context).strip()
        body = render_to_string(f"notifications/{kind}_body.txt", context).strip()
        sms = render_to_string(f"notifications/{kind}_sms.txt", context).strip()
    return {"subject": subject, "body": body, "sms": sms}


def render_for_person(*, kind: str, person, **extra) -> dict:
    """A notification about the person rather than one application (mandates, for instance)."""
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        context = {"person": person, **extra}
        subject = render_to_string(f"notifications/{kind}_subject.txt", context).strip()
        body = render_to_string(f"notifications/{kind}_body.txt", context).strip()
        sms = render_to_string(f"notifications/{kind}_sms.txt", context).strip()
    return {"subject": subject, "body": body, "sms": sms}
