"""A declaration (loss or theft of the card, change of address, change of family situation) is
possible alongside any file the person has open, and lands where it is needed.

At its filing, a declaration is joined to every other filed open file of the person: each of those
files records DECLARATION_JOINED (its agent sees it in the history and in their queue, as news),
and the declaration records the files it was joined to. A lost, stolen or damaged card declared
while a renewal is open is replaced by the renewal's card: the duplicate orders no card of its own
while that renewal may still make one (`card_made_by_the_renewal`, the guard of ORDER_CARD); if the
renewal ends without a card (refused, withdrawn, closed), the duplicate makes it.
"""

from typing import Any

from django.utils.translation import gettext as _

from anef.accounts.models import User
from anef.procedures.constants import Category

from .errors import ApplicationError
from .kernel import record_event
from .models import Application
from .workflow import CASEWORK_STATES, EventKind, State

DECLARATIONS = frozenset({Category.DUPLICATE, Category.CHANGE_OF_ADDRESS, Category.CHANGE_OF_SITUATION})
# A renewal still on its way to a card: it will make the card that replaces a lost one.
RENEWAL_MAKING_A_CARD = frozenset(CASEWORK_STATES)


def declaration_join(*, declaration: Application, actor: User | None) -> list[Application]:
    """Join a declaration just filed to the person's other open files. Call in the submission's
    transaction, the declaration locked. Returns the files it was joined to."""
    if declaration.procedure.category not in DECLARATIONS:
        return []
    others = list(
        Application.objects.select_for_update(of=("self",))
        .filter(person_id=declaration.person_id, state__in=CASEWORK_STATES)
        .exclude(pk=declaration.pk)
        .select_related("procedure", "person")
        .order_by("pk")
    )
    if not others:
        return []
    card_by = None
    if declaration.procedure.category == Category.DUPLICATE:
        card_by = next((other for other in others if other.procedure.renewal), None)
    for other in others:
        payload: dict[str, Any] = {
            "declaration": declaration.reference,
            "procedure": declaration.procedure.code,
            "title": declaration.procedure.title,
        }
        if card_by is not None and other.pk == card_by.pk:
            payload["replaces_lost_card"] = True
        record_event(application=other, kind=EventKind.DECLARATION_JOINED, actor=actor, payload=payload)
    record_event(
        application=declaration,
        kind=EventKind.DECLARATION_JOINED,
        actor=actor,
        payload={
            "joined_to": [other.reference for other in others],
            "card_by": card_by.reference if card_by is not None else "",
        },
    )
    return others


def card_made_by_the_renewal(application: Application) -> None:
    """Guard of ORDER_CARD: a duplicate joined to a renewal that may still make the card orders none."""
    card_by = next(
        (
            event.payload["card_by"]
            for event in application.events.filter(kind=EventKind.DECLARATION_JOINED)
            if event.payload.get("card_by")
        ),
        "",
    )
    if not card_by:
        return
    renewal = (
        Application.objects.filter(person_id=application.person_id, reference=card_by)
        .only("reference", "state")
        .first()
    )
    if renewal is not None and renewal.state in RENEWAL_MAKING_A_CARD | {State.CARD_DELIVERED}:
        raise ApplicationError(
            _(
                "The new card is made by renewal %(ref)s, to which this declaration is joined: order no card "
                "here. Close this file (reason: joined to another application) once the renewal's card is "
                "handed over; if the renewal ends without a card, this file makes it."
            )
            % {"ref": renewal.reference}
        )
