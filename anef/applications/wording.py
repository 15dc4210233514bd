"""The words of the history, in the reader's language.

Two kinds of text sit in an event's `reason`:
- what the service writes itself ("New address given in the profile", "Appeal X granted"): stored as
  a key and its parameters in the payload (`wording`), and worded when read, so that an English reader
  reads it in English whoever caused it (a translation at write time would freeze the writer's
  language). The `reason` column keeps the French text for exports and the sealed history.
- what a person typed (an agent's grounds or request, an applicant's answer): shown as written. The
  administration writes in French; we do not machine-translate legal reasons, but mark them as
  French (`lang="fr"`) and say so to a reader of another language (decision 0016).

Codes in a payload (field names, document types, event kinds) are shown by their labels.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from anef.accounts.models import Person
from anef.procedures.constants import IssuedDocumentType
from anef.procedures.texts import localised

from .workflow import EventKind

SYSTEM_REASONS = {
    "address_in_profile": gettext_noop("New address given in the profile of the person."),
    "address_in_profile_of": gettext_noop("New address given in the profile, from application %(ref)s."),
    "address_declared": gettext_noop("Change of address declared in application %(ref)s."),
    "appeal_granted": gettext_noop("Appeal %(ref)s granted."),
    "examined_again": gettext_noop("Application %(ref)s is examined again."),
    "moved_while_withdrawn": gettext_noop(
        "The person moved while the file was withdrawn: it goes on at the prefecture of their address."
    ),
    "moved_since_refusal": gettext_noop(
        "The person moved since the refusal: the file is examined by the prefecture of their address."
    ),
}


@dataclass(frozen=True)
class Wording:
    """A reason the service writes: `key` of SYSTEM_REASONS, its parameters, and the words a person
    added to it (an agent's comment), kept as typed."""

    key: str
    params: dict = field(default_factory=dict)
    note: str = ""

    def recorded(self) -> str:
        """The text of the `reason` column: in the service's language, whoever acts."""
        with translation.override(settings.LANGUAGE_CODE):
            return f"{gettext(SYSTEM_REASONS[self.key]) % self.params} {self.note}".strip()

    def payload(self) -> dict:
        return {"wording": {"key": self.key, "params": self.params, "note": self.note}}


def reason_of(event) -> tuple[str, str]:
    """(text, language it is written in) of an event's reason, for the reader's active language."""
    wording = (event.payload or {}).get("wording")
    if wording and wording.get("key") in SYSTEM_REASONS:
        text = gettext(SYSTEM_REASONS[wording["key"]]) % wording.get("params", {})
        return f"{text} {wording.get('note', '')}".strip(), translation.get_language() or settings.LANGUAGE_CODE
    reason = event.reason or ""
    if event.kind == EventKind.DOCUMENT_REVOKE and reason in EventKind.values:
        # Older events name the step that ended the document by its code.
        return gettext("Ended by: %(step)s") % {"step": EventKind(reason).label}, translation.get_language()
    if not reason:
        return "", ""
    return reason, written_in(event)


def written_in(event) -> str:
    """The language of a text a person typed: the applicant's (or their helper's) own words are in
    their language; the administration writes in French."""
    if event.actor_id is not None and event.actor_id == getattr(event.application.person, "user_id", None):
        return event.application.person.preferred_language or settings.LANGUAGE_CODE
    return settings.LANGUAGE_CODE


def detail_of(event) -> str:
    """What an event is about, in words: the document issued, the fields changed."""
    payload = event.payload or {}
    if event.kind in (EventKind.DOCUMENT_ISSUE, EventKind.DOCUMENT_REVOKE) and payload.get("type"):
        label = _label(IssuedDocumentType, payload["type"])
        return f"{label} n° {payload['document']}" if payload.get("document") else label
    names = payload.get("fields") or []
    if not names:
        return ""
    if event.kind == EventKind.ANSWERS_UPDATE:
        fields = {item["name"]: localised(item["label"]) for item in event.application.procedure.fields}
        fields["stamp_number"] = gettext("Tax stamp number")
        return ", ".join(fields.get(name) or _person_field(name) for name in names)
    return ", ".join(_person_field(name) for name in names)


def _person_field(name: str) -> str:
    try:
        return str(Person._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field removed since the event was written
        return gettext("a field no longer asked")


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return gettext("a document")
