"""What a request for documents asks for, item by item (decision 0019).

An agent picks documents from the procedure's catalogue list and may add others in their own words.
`InformationRequest.items` (and the `requested` payload of the history's events) holds one entry per
item: `{"code": "<catalogue document code>"}` or `{"text": "<the agent's words>"}`. Requests made
before were a list of plain strings: each reads as an item in the agent's words.

A catalogue item is read in the reader's language (the catalogue's label); an item in the agent's
words is shown as written, in French, marked as such. Each item has a `key`, stable for the
request: the catalogue code (an upload for it replaces the document of that requirement), or
`other-<n>` for the n-th item in the agent's words (1-based, in the request's order).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from anef.procedures.texts import localised

from .errors import ApplicationError

OTHER_PREFIX = "other-"
MAX_TEXT = 300
# The language agents write in: what they type is shown as written, marked with this language.
AGENTS_LANGUAGE = "fr"


@dataclass(frozen=True)
class RequestedItem:
    key: str
    code: str = ""  # a document of the procedure's catalogue
    text: str = ""  # the agent's own words
    labels: dict | None = None  # the catalogue's label, {fr: ..., en: ...}

    @property
    def in_agents_words(self) -> bool:
        return not self.code

    @property
    def label(self) -> str:
        """In the active language for a catalogue item; as written for the agent's words."""
        if self.code:
            return localised(self.labels) or self.code
        return self.text

    @property
    def lang(self) -> str:
        """The language of `label` when it is not the reader's (the agent's words): for `lang=`."""
        return AGENTS_LANGUAGE if self.in_agents_words else ""

    def __str__(self) -> str:
        if self.in_agents_words:
            return _("%(text)s (in the agent's words)") % {"text": self.text}
        return self.label


def catalogue_choices(procedure) -> list[tuple[str, str]]:
    """The procedure's documents an agent may ask for, labelled in the active language."""
    return [(document["code"], localised(document["label"])) for document in procedure.documents]


def items_from(*, procedure, codes: list[str], texts: list[str]) -> list[dict]:
    """The stored form of a request's items: the catalogue's documents picked, in the catalogue's
    order, then the agent's own items. Refuses a code the procedure does not list."""
    known = [document["code"] for document in procedure.documents]
    unknown = sorted(set(codes) - set(known))
    if unknown:
        raise ApplicationError(_("Choose documents from the procedure's list."))
    picked = [{"code": code} for code in known if code in set(codes)]
    written = []
    for text in texts:
        text = " ".join(text.split())
        if not text:
            continue
        if len(text) > MAX_TEXT:
            raise ApplicationError(
                _("Each item in your own words has at most %(count)s characters.") % {"count": MAX_TEXT}
            )
        if {"text": text} not in written:
            written.append({"text": text})
    return picked + written


def requested_items(procedure, items: list) -> list[RequestedItem]:
    """The items of a request (or of a `requested` payload), ready to read."""
    labels = {document["code"]: document["label"] for document in procedure.documents}
    result: list[RequestedItem] = []
    others = 0
    for item in items or []:
        if isinstance(item, dict) and item.get("code"):
            code = item["code"]
            # A document the catalogue no longer lists reads by its code's label if known, else its code.
            result.append(RequestedItem(key=code, code=code, labels=labels.get(code)))
            continue
        others += 1
        text = item.get("text", "") if isinstance(item, dict) else str(item)
        result.append(RequestedItem(key=f"{OTHER_PREFIX}{others}", text=text))
    return result
