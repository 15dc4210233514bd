import os
import secrets
from datetime import date, timedelta
from typing import cast

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from anef.accounts.constants import Role
from anef.accounts.models import Person, User
from anef.accounts.services import account_set_active
from anef.applications.errors import ApplicationError
from anef.assistance.selectors import mandate_covering
from anef.core.links import absolute
from anef.core.tasks import enqueue
from anef.documents.validation import prepare_upload
from anef.notifications.services import notify_person
from anef.security.constants import SecurityEventKind
from anef.security.services import security_event_append

from .constants import CONFIRMATION_DAYS, MAX_CODE_ATTEMPTS, MandateOrigin
from .models import Mandate, Structure, StructureEvent

MAX_MANDATE_DAYS = 366


def _check_period(ends_on: date) -> None:
    today = timezone.localdate()
    if ends_on < today or (ends_on - today).days > MAX_MANDATE_DAYS:
        raise ApplicationError(_("A mandate ends between today and one year from now."))


def _helper(email: str) -> User:
    helper = User.objects.filter(email__iexact=email.strip(), role=Role.HELPER, is_active=True).first()
    if helper is None or helper.structure_id is None:
        raise ApplicationError(_("No helper of a recognised structure has this email address."))
    return helper


def _tell(mandate: Mandate, kind: str, key: str, **context) -> None:
    """The person hears of every mandate given, used or ended, on every channel they have."""

    notify_person(
        person=mandate.person,
        kind=kind,
        key=f"{kind}:{mandate.pk}:{key}",
        mandate=mandate,
        helper_name=mandate.helper.get_full_name() or mandate.helper.email,
        structure=mandate.structure.name,
        link=absolute(reverse("portal:helpers")),
        **context,
    )


def _audit(kind: str, mandate: Mandate, actor: User | None, **details) -> None:
    """Mandate changes in the security events, with the history of the change (same transaction)."""
    security_event_append(
        kind=kind,
        user=mandate.helper,
        actor=actor,
        mandate=mandate.pk,
        person=mandate.person_id,
        origin=mandate.origin,
        **details,
    )


def _create_consented(
    *, person: Person, helper: User, ends_on: date, origin: str, actor: User | None, **fields
) -> Mandate:
    mandate = Mandate.objects.create(
        person=person,
        helper=helper,
        structure=cast(Structure, helper.structure),  # _helper() accepts only helpers of a structure
        ends_on=ends_on,
        origin=origin,
        recorded_by=actor,
        confirmed_at=timezone.now(),
        **fields,
    )
    _audit(SecurityEventKind.MANDATE_GRANTED, mandate, actor)
    return mandate


@transaction.atomic
def mandate_grant(*, person: Person, helper_email: str, ends_on: date, applications=None) -> Mandate:
    """The applicant gives a mandate online, from their own space, for all their applications or
    for chosen ones: their consent is the act itself."""
    _check_period(ends_on)
    helper = _helper(helper_email)
    mandate = _create_consented(
        person=person,
        helper=helper,
        ends_on=ends_on,
        origin=MandateOrigin.ONLINE,
        actor=person.user,
        all_applications=not applications,
    )
    if applications:
        own = person.applications.filter(pk__in=[a.pk for a in applications])
        mandate.applications.set(own)
    _tell(mandate, "mandate_granted", "granted")
    return mandate


@transaction.atomic
def mandate_record_at_counter(
    *, agent: User, person: Person, helper_email: str, ends_on: date, identity_checked: str
) -> Mandate:
    """At a prefecture counter, the agent checks the person's identity and records the mandate the
    person gives there (the route for people without email or phone): all their applications."""
    if agent.role != Role.COUNTER_AGENT or agent.prefecture_id is None:
        raise ApplicationError(_("Only counter agents record mandates given at the counter."))
    if not person.applications.filter(prefecture_id=agent.prefecture_id).exists():
        raise ApplicationError(_("This person has no application at your prefecture."))
    identity_checked = identity_checked.strip()
    if not identity_checked:
        raise ApplicationError(_("Say which identity document you checked (type and number)."))
    _check_period(ends_on)
    helper = _helper(helper_email)
    mandate = _create_consented(
        person=person,
        helper=helper,
        ends_on=ends_on,
        origin=MandateOrigin.COUNTER,
        actor=agent,
        identity_checked=identity_checked[:120],
    )
    _tell(mandate, "mandate_granted", "granted")
    return mandate


def _code_hash(mandate: Mandate, code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return salted_hmac("anef.mandate-code", f"{mandate.person_id}:{mandate.helper_id}:{normalised}").hexdigest()


CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


@transaction.atomic
def _references(number: str) -> list[str]:
    """A file number as typed ("dun5 qau6", "DUN5QAU6") in the form the files carry ("DUN5-QAU6")."""
    return [number, f"{number[:4]}-{number[4:]}"]


def _paper_person(*, person_email: str, birth_date: date, last_name: str, file_or_claim: str) -> Person | None:
    """The person a paper mandate names: by their account's email, or, for a person without email,
    by their last name and one of their file numbers or the claim code the counter gave them (always
    with the date of birth)."""
    people = Person.objects.filter(date_of_birth=birth_date).filter(Q(user__isnull=True) | Q(user__is_active=True))
    if person_email.strip():
        return people.filter(user__email__iexact=person_email.strip()).first()
    number = "".join(ch for ch in file_or_claim.upper() if ch.isalnum())
    if not last_name.strip() or not number:
        return None
    return (
        people.filter(last_name__iexact=last_name.strip())
        .filter(Q(applications__reference__in=_references(number)) | Q(claim_code=number))
        .distinct()
        .first()
    )


def mandate_request_paper(
    *,
    helper: User,
    birth_date: date,
    ends_on: date,
    uploaded,
    person_email: str = "",
    last_name: str = "",
    file_or_claim: str = "",
) -> None:
    """The helper records a mandate signed on paper. It opens nothing until the person confirms it
    with the code sent to the contact details on file (never to details the helper types), or from
    their own space. The answer is the same whether the details match an account or not, so the
    form tells nobody who has an account. A person without email is named by their last name and a
    file number or claim code: the code then goes by text message, or by post when they have no
    phone either (the prefecture's letter runs), and they can confirm at the counter."""
    if helper.role != Role.HELPER or helper.structure_id is None:
        raise ApplicationError(_("Only helpers of a recognised structure record mandates."))
    _check_period(ends_on)
    prepared = prepare_upload(uploaded)  # scanned and rebuilt, as documents; the rebuilt file is stored
    person = _paper_person(
        person_email=person_email, birth_date=birth_date, last_name=last_name, file_or_claim=file_or_claim
    )
    if person is None:
        # The helper is told the same as when the details match; the administrator sees the miss.
        security_event_append(
            kind=SecurityEventKind.MANDATE_REQUESTED,
            user=helper,
            actor=helper,
            email=person_email or f"{last_name} / {file_or_claim}",
            matched=False,
        )
        return
    now = timezone.now()
    # A new request replaces the one still waiting (the person receives only the newest code).
    Mandate.objects.filter(person=person, helper=helper, confirmed_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=helper
    )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    mandate = Mandate(
        person=person,
        helper=helper,
        structure=helper.structure,
        ends_on=ends_on,
        origin=MandateOrigin.PAPER,
        recorded_by=helper,
        code_expires_at=now + timedelta(days=CONFIRMATION_DAYS),
    )
    mandate.code_hash = _code_hash(mandate, code)
    mandate.paper_mandate.save("mandate" + os.path.splitext(prepared.display_name)[1], prepared.as_file(), save=False)
    mandate.save()
    _audit(SecurityEventKind.MANDATE_REQUESTED, mandate, helper, matched=True)
    _tell(
        mandate,
        "mandate_code",
        str(mandate.pk),
        code=f"{code[:4]}-{code[4:]}",
        expires_on=timezone.localdate(mandate.code_expires_at),
    )


class WrongCode(ApplicationError):
    default_message = _(
        "This code does not match a mandate waiting for confirmation, or it has expired. Check the code "
        "and the person's email address; the person can also confirm the mandate from their space."
    )


def _named_by(value: str) -> Q:
    """The person of a paper mandate, as the helper names them when typing the code: their account's
    email, or (a person without email) one of their file numbers or their claim code."""
    value = value.strip()
    if "@" in value:
        return Q(person__user__email__iexact=value)
    number = "".join(ch for ch in value.upper() if ch.isalnum())
    if not number:
        return Q(pk=None)
    return Q(person__applications__reference__in=_references(number)) | Q(person__claim_code=number)


def mandate_confirm_with_code(*, helper: User, person_email: str, code: str) -> Mandate:
    """The helper types the code the person gave them: the person's consent, proven by a channel
    they control. Wrong codes count against that request only; after a few it is cancelled (the
    person's account is never blocked)."""
    named = Mandate.objects.awaiting_confirmation().filter(helper=helper).filter(_named_by(person_email))
    with transaction.atomic():
        mandate = (
            Mandate.objects.awaiting_confirmation()
            .select_for_update(of=("self",))
            .select_related("person", "helper", "structure")
            .filter(pk__in=list(named.values_list("pk", flat=True)))  # no DISTINCT with FOR UPDATE
            .first()
        )
        if mandate is None:
            raise WrongCode()
        if not constant_time_compare(mandate.code_hash, _code_hash(mandate, code)):
            attempts = mandate.code_attempts + 1
            fields = {"code_attempts": attempts}
            if attempts >= MAX_CODE_ATTEMPTS:
                fields.update(revoked_at=timezone.now(), revoked_by=helper)
            Mandate.objects.filter(pk=mandate.pk).update(**fields)
            if attempts >= MAX_CODE_ATTEMPTS:
                _audit(SecurityEventKind.MANDATE_ENDED, mandate, helper, reason="wrong_codes")
            failed = True
        else:
            _confirm(mandate, actor=helper)
            failed = False
    if failed:  # outside the block: the attempt is counted even though the answer is an error
        raise WrongCode()
    return mandate


def _confirm(mandate: Mandate, *, actor: User | None) -> None:
    changed = Mandate.objects.filter(pk=mandate.pk, confirmed_at__isnull=True, revoked_at__isnull=True).update(
        confirmed_at=timezone.now(), code_hash=""
    )
    if changed != 1:
        raise WrongCode()
    mandate.refresh_from_db()
    _audit(SecurityEventKind.MANDATE_GRANTED, mandate, actor)
    _tell(mandate, "mandate_granted", "granted")


@transaction.atomic
def mandate_answer(*, person: Person, mandate_id: int, agree: bool) -> Mandate:
    """The person confirms or refuses, from their own space, a paper mandate a helper recorded."""
    mandate = (
        Mandate.objects.awaiting_confirmation()
        .select_for_update(of=("self",))
        .select_related("person", "helper", "structure")
        .filter(person=person, pk=mandate_id)
        .first()
    )
    if mandate is None:
        raise ApplicationError(_("This request is no longer waiting for your answer."))
    if agree:
        _confirm(mandate, actor=person.user)
    else:
        Mandate.objects.filter(pk=mandate.pk).update(revoked_at=timezone.now(), revoked_by=person.user)
        mandate.refresh_from_db()
        _audit(SecurityEventKind.MANDATE_ENDED, mandate, person.user, reason="refused")
    return mandate


@transaction.atomic
def mandate_revoke(*, mandate: Mandate, actor: User | None = None) -> Mandate:
    """End a mandate in one step (the person, or the helper who holds it); the person is told."""
    ended = Mandate.objects.filter(pk=mandate.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    mandate.refresh_from_db()
    if ended:
        _audit(SecurityEventKind.MANDATE_ENDED, mandate, actor, reason="revoked")
    if ended and mandate.confirmed_at:
        _tell(mandate, "mandate_ended", "ended", by_person=actor is not None and actor.pk == mandate.person.user_id)
    return mandate


def mandate_record_use(*, helper: User, application) -> None:
    """A helper read the person's files under the mandate: told once a day per mandate (actions
    that change something are told one by one, with the history's events)."""

    mandate = mandate_covering(helper=helper, application=application)
    if mandate is None:
        return
    with transaction.atomic():
        _tell(mandate, "mandate_used", timezone.localdate().isoformat())


# Structures and helper accounts: national administrators create them and vouch for them.


class EmailAlreadyUsed(ApplicationError):
    default_message = _("An account already uses this email address. Each helper needs their own address.")


def _check_administrator(actor: User) -> None:
    if actor.role != Role.ADMINISTRATOR:
        raise ApplicationError(_("Only national administrators manage structures and helper accounts."))


STRUCTURE_FIELDS = ("name", "kind", "address")


@transaction.atomic
def structure_create(*, name: str, kind: str, address: str, actor: User) -> Structure:
    """The administrator vouches for the structure: they are recorded as its guarantor."""
    _check_administrator(actor)
    structure = Structure.objects.create(
        name=name.strip(), kind=Structure.Kind(kind), address=address.strip(), vouched_by=actor
    )
    StructureEvent.objects.create(structure=structure, kind=StructureEvent.Kind.CREATED, actor=actor)
    return structure


@transaction.atomic
def structure_update(*, structure_id: int, actor: User, **values) -> Structure:
    _check_administrator(actor)
    unknown = set(values) - set(STRUCTURE_FIELDS)
    if unknown:
        raise ValueError(f"not structure fields: {sorted(unknown)}")
    structure = Structure.objects.select_for_update().get(pk=structure_id)
    changes = {}
    for name, value in values.items():
        value = value.strip()
        if getattr(structure, name) != value:
            changes[name] = [getattr(structure, name), value]
            setattr(structure, name, value)
    if changes:
        structure.save(update_fields=list(changes))
        StructureEvent.objects.create(
            structure=structure, kind=StructureEvent.Kind.UPDATED, actor=actor, changes=changes
        )
    return structure


@transaction.atomic
def helper_create(*, structure_id: int, email: str, first_name: str, last_name: str, actor: User) -> User:
    """A helper account without a password: the person receives a link to choose one, then sets up
    their second factor at the first sign-in (SecondFactorRequiredMiddleware)."""

    _check_administrator(actor)
    structure = Structure.objects.select_for_update().get(pk=structure_id)
    email = User.objects.normalize_email(email.strip()).lower()
    if User.objects.filter(email__iexact=email).exists() or EmailAddress.objects.filter(email__iexact=email).exists():
        raise EmailAlreadyUsed()
    try:
        with transaction.atomic():  # two administrators may create the same address at the same moment
            helper = User.objects.create_user(
                email,
                None,
                role=Role.HELPER,
                structure=structure,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
            )
    except IntegrityError as exc:
        raise EmailAlreadyUsed() from exc
    # The administrator vouches for the address; the link sent there proves the person holds it.
    EmailAddress.objects.create(user=helper, email=email, verified=True, primary=True)
    StructureEvent.objects.create(
        structure=structure, kind=StructureEvent.Kind.HELPER_ADDED, actor=actor, helper=helper
    )
    enqueue("anef.assistance.tasks.helper_invitation_send", helper.pk)
    return helper


def _helper_set_active(*, helper_id: int, active: bool, actor: User) -> User:
    _check_administrator(actor)
    helper = User.objects.select_for_update().get(pk=helper_id, role=Role.HELPER, structure__isnull=False)
    # The flag, the end of their sessions and the security event; then the structure's own history.
    if account_set_active(account=helper, active=active, actor=actor):
        kind = StructureEvent.Kind.HELPER_REACTIVATED if active else StructureEvent.Kind.HELPER_DEACTIVATED
        structure_id = cast(int, helper.structure_id)  # selected with structure__isnull=False
        StructureEvent.objects.create(structure_id=structure_id, kind=kind, actor=actor, helper=helper)
    return helper


@transaction.atomic
def helper_deactivate(*, helper_id: int, actor: User) -> User:
    """The helper can no longer sign in (their open sessions end at once), so the mandates
    people gave them cannot be used. Mandates are kept: they work again if the account is reactivated
    before they end."""
    return _helper_set_active(helper_id=helper_id, active=False, actor=actor)


@transaction.atomic
def helper_reactivate(*, helper_id: int, actor: User) -> User:
    return _helper_set_active(helper_id=helper_id, active=True, actor=actor)
