"""A person moves: every open file follows them to the prefecture competent for their new address
(and a file that comes back to casework, a withdrawal undone or a refusal withdrawn on appeal, goes
to the office of the address of the day).

One rule for every path that changes an address (the change-of-address procedure, the profile form
of the person, of their helper or of the counter filing for them): `files_follow_the_address`, in
the transaction of the change. Each file moved is a transfer with its history event, which tells
the person the new office (`EVENTS`); the documents it gave (the provisional attestation, API)
are untouched. An appeal stays with the prefect who decided (SPEC §4), whatever the address.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from anef.accounts.models import Person, User
from anef.accounts.services import person_update
from anef.territory.models import Prefecture
from anef.territory.postcodes import UnknownPostcode
from anef.territory.services import prefecture_for_postcode

from .errors import ApplicationError
from .kernel import record_event
from .models import Application
from .wording import Wording
from .workflow import CASEWORK_STATES, EventKind


def transfer_locked(application: Application, to: Prefecture, actor: User | None, reason: "str | Wording") -> None:
    """Move a locked open file to another prefecture with its whole history."""
    if application.prefecture_id == to.pk:
        raise ApplicationError(_("The file is already at this prefecture."))
    origin = application.prefecture
    application.prefecture = to
    application.assigned_to = None
    application.save(update_fields=["prefecture", "assigned_to", "updated_at"])
    record_event(
        application=application,
        kind=EventKind.TRANSFER,
        actor=actor,
        reason=reason.recorded() if isinstance(reason, Wording) else reason,
        payload={
            **(reason.payload() if isinstance(reason, Wording) else {}),
            "from": origin.code if origin else None,
            "from_name": origin.name_fr if origin else "",
            "to": to.code,
            "to_name": to.name_fr,
        },
    )


def files_follow_the_address(*, person: Person, actor: User | None, reason: Wording) -> list[Application]:
    """Move every filed open file of the person that is not at the prefecture competent for their
    current postcode. Call inside the transaction that changed the address. Returns the files moved."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("files_follow_the_address runs inside the transaction of the change of address.")
    try:
        prefecture = prefecture_for_postcode(person.postcode)
    except UnknownPostcode:
        return []  # the forms refuse an unknown postcode; a file keeps its office until one is known
    moving = list(
        Application.objects.select_for_update(of=("self",))
        .filter(person_id=person.pk, state__in=CASEWORK_STATES, appeal_of__isnull=True)
        .exclude(prefecture=prefecture)
        .select_related("prefecture", "person", "procedure")
        .order_by("pk")
    )
    for application in moving:
        transfer_locked(application, prefecture, actor, reason)
    return moving


def person_profile_update(*, person_id: int, actor: User, **values) -> Person:
    """The person changes their own profile: a new address moves their open files (history, notice)."""
    with transaction.atomic():
        before = Person.objects.filter(pk=person_id).values_list("postcode", flat=True).get()
        person = person_update(person_id=person_id, actor=actor, **values)
        if person.postcode != before:
            files_follow_the_address(person=person, actor=actor, reason=Wording("address_in_profile"))
    return person
