from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anef.accounts.constants import Role
from anef.accounts.models import Person, User
from anef.accounts.services import account_set_active
from anef.applications.errors import ApplicationError
from anef.documents.validation import inspect_upload

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


@transaction.atomic
def mandate_grant(*, person: Person, helper_email: str, ends_on: date, applications=None) -> Mandate:
    """The applicant gives a mandate online, for all their applications or for chosen ones."""
    _check_period(ends_on)
    helper = _helper(helper_email)
    mandate = Mandate.objects.create(
        person=person,
        helper=helper,
        structure=helper.structure,
        all_applications=not applications,
        ends_on=ends_on,
        granted_online=True,
    )
    if applications:
        own = person.applications.filter(pk__in=[a.pk for a in applications])
        mandate.applications.set(own)
    return mandate


@transaction.atomic
def mandate_record_paper(*, helper: User, person_email: str, ends_on: date, uploaded) -> Mandate:
    """The helper records a mandate signed on paper, with the scan (same checks as documents)."""
    if helper.role != Role.HELPER or helper.structure_id is None:
        raise ApplicationError(_("Only helpers of a recognised structure record mandates."))
    _check_period(ends_on)
    inspect_upload(uploaded)
    person = Person.objects.filter(user__email__iexact=person_email.strip()).first()
    if person is None:
        raise ApplicationError(_("No account has this email address. The person can also go to a counter."))
    mandate = Mandate(person=person, helper=helper, structure=helper.structure, ends_on=ends_on, all_applications=True)
    uploaded.seek(0)
    mandate.paper_mandate.save("mandate.pdf", uploaded, save=False)
    mandate.save()
    return mandate


def mandate_revoke(*, mandate: Mandate) -> Mandate:
    Mandate.objects.filter(pk=mandate.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    mandate.refresh_from_db()
    return mandate


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
    from allauth.account.models import EmailAddress

    from anef.core.tasks import enqueue

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
        StructureEvent.objects.create(structure_id=helper.structure_id, kind=kind, actor=actor, helper=helper)
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
