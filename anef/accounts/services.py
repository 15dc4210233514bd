import secrets

from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anef.core.errors import UserError
from anef.security.constants import SecurityEventKind
from anef.security.services import security_event_append, sessions_end

from .constants import IDENTITY_FIELDS, STAFF_ROLES, IdentitySource, Role
from .franceconnect import PROVIDER_ID, FranceConnectIdentity
from .models import Person, User

PROFILE_FIELDS = (
    "first_name", "last_name", "date_of_birth", "nationality", "address_line", "postcode", "city", "phone",
    "preferred_language", "permit_type", "permit_number", "permit_expires_on", "permit_allows_work",
)  # fmt: skip
# What the person declares about their current permit (a claim until an agent confirms it).
PERMIT_FIELDS = ("permit_type", "permit_number", "permit_expires_on", "permit_allows_work")


@transaction.atomic
def person_create_for_user(*, user: User, first_name: str, last_name: str, preferred_language: str) -> Person:
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])
    return Person.objects.create(
        user=user,
        first_name=first_name,
        last_name=last_name,
        email=user.email,
        preferred_language=preferred_language,
    )


@transaction.atomic
def person_update(*, person_id: int, actor: User, **values) -> Person:
    """Update the profile. Applications keep the facts recorded at their filing (date, timeliness)."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    person = Person.objects.select_for_update(of=("self",)).get(pk=person_id)
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    if person.identity_verified and set(changed) & set(IDENTITY_FIELDS):
        raise AccountError(
            _("Your names and date of birth were verified by FranceConnect: they cannot be changed here.")
        )
    for name in changed:
        setattr(person, name, values[name])
    if set(changed) & set(PERMIT_FIELDS) and person.permit_confirmed_at is not None:
        # What an agent confirmed is no longer what the profile says: it is a claim again.
        person.permit_confirmed_at, person.permit_confirmed_by = None, None
        changed += ["permit_confirmed_at", "permit_confirmed_by"]
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
    return person


@transaction.atomic
def person_email_follow_account(*, user_id: int) -> None:
    """The account's email changed (confirmed by mail): the person's messages go there now."""
    user = User.objects.get(pk=user_id)
    Person.objects.filter(user=user).exclude(email=user.email).update(email=user.email, updated_at=timezone.now())


CLAIM_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


@transaction.atomic
def person_create_at_counter(*, actor: User, **values) -> Person:
    """A person who came to the counter (or wrote): identity checked on the spot, no account needed."""

    unknown = set(values) - set(PROFILE_FIELDS) - {"email"}
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    while True:
        code = "".join(secrets.choice(CLAIM_ALPHABET) for _ in range(10))
        if not Person.objects.filter(claim_code=code).exists():
            break
    return Person.objects.create(claim_code=code, **values)


@transaction.atomic
def person_claim(*, user: User, claim_code: str, birth_date) -> Person:
    """Attach a counter person (and their files) to this online account."""

    code = "".join(ch for ch in claim_code.upper() if ch.isalnum())
    person = Person.objects.select_for_update().filter(claim_code=code, user__isnull=True).first()
    if person is None or person.date_of_birth != birth_date:
        raise AccountError(_("This code and date of birth do not match. Check the paper you were given."))
    own = Person.objects.filter(user=user).first()
    if own is not None:
        if own.applications.exists():
            raise AccountError(_("Your account already has applications: ask the counter to merge them."))
        own.delete()
    person.user = user
    person.email = person.email or user.email
    person.claim_code = None
    person.save(update_fields=["user", "email", "claim_code", "updated_at"])
    return person


# Deactivating accounts of people who leave: staff here, helpers through their structure
# (anef.assistance.services.helper_deactivate), both through account_set_active.

# Supervisors may deactivate the agents of their own prefecture at once (they are the first to know
# that one leaves, or that an account is misused); everything else, and every reactivation, is for
# national administrators.
DEACTIVATED_BY_SUPERVISORS = frozenset({Role.CASE_AGENT, Role.COUNTER_AGENT})


class AccountError(UserError):
    default_message = _("You cannot change this account.")


def account_may_deactivate(*, actor: User, account: User) -> bool:
    """The rule, also applied as a query by `accounts.selectors.accounts_managed_by`."""
    if actor.pk == account.pk or not actor.is_active:
        return False
    if actor.role == Role.ADMINISTRATOR:
        return account.role in STAFF_ROLES
    if actor.role == Role.SUPERVISOR:
        return account.role in DEACTIVATED_BY_SUPERVISORS and account.prefecture_id == actor.prefecture_id
    return False


def account_set_active(*, account: User, active: bool, actor: User) -> bool:
    """Change the flag of a locked account (the caller holds the row and checked its rules): on
    deactivation every open session of the account ends now. One security event either way.
    Returns whether anything changed. Call inside the caller's transaction."""
    if account.is_active == active:
        return False
    account.is_active = active
    account.save(update_fields=["is_active"])
    ended = 0 if active else sessions_end(user_id=account.pk)
    kind = SecurityEventKind.ACCOUNT_REACTIVATED if active else SecurityEventKind.ACCOUNT_DEACTIVATED
    security_event_append(kind=kind, user=account, actor=actor, role=account.role, sessions_ended=ended)
    return True


@transaction.atomic
def account_deactivate(*, user_id: int, actor: User) -> User:
    """A staff member can no longer sign in, and is signed out of every session at once. Their
    work (assignments, history) is kept as it is."""
    account = User.objects.select_for_update().get(pk=user_id)
    if actor.pk == account.pk:
        raise AccountError(_("You cannot deactivate your own account."))
    if account.role == Role.HELPER:
        raise AccountError(_("Helper accounts are deactivated from the page of their structure."))
    if not account_may_deactivate(actor=actor, account=account):
        raise AccountError(_("You cannot deactivate this account."))
    account_set_active(account=account, active=False, actor=actor)
    return account


@transaction.atomic
def account_reactivate(*, user_id: int, actor: User) -> User:
    account = User.objects.select_for_update().get(pk=user_id)
    if actor.role != Role.ADMINISTRATOR or not actor.is_active or account.role not in STAFF_ROLES:
        raise AccountError(_("Only national administrators reactivate staff accounts."))
    account_set_active(account=account, active=True, actor=actor)
    return account


# FranceConnect (anef/accounts/franceconnect.py; decision 0014). Refusals are UserErrors: the caller
# records them as security events outside the transaction that rolls back.


class FranceConnectError(AccountError):
    default_message = _("FranceConnect cannot be used with this account.")


def _person_take_identity(*, user: User, identity: FranceConnectIdentity, preferred_language: str) -> Person:
    """The account's person now has the names and date of birth of the civil registers, locked."""
    user.first_name, user.last_name = identity.given_name, identity.family_name
    user.save(update_fields=["first_name", "last_name"])
    person = Person.objects.select_for_update().filter(user=user).first()
    values = {
        "first_name": identity.given_name,
        "last_name": identity.family_name,
        "date_of_birth": identity.birthdate,
        "identity_source": IdentitySource.FRANCECONNECT,
        "identity_verified_at": timezone.now(),
    }
    if person is None:
        return Person.objects.create(user=user, email=user.email, preferred_language=preferred_language, **values)
    for name, value in values.items():
        setattr(person, name, value)
    person.save(update_fields=[*values, "updated_at"])
    return person


@transaction.atomic
def franceconnect_account_create(
    *, user: User, identity: FranceConnectIdentity, preferred_language: str, request=None
) -> Person:
    """A first FranceConnect sign-in made this applicant account (allauth saved the user and the
    link): its person is who FranceConnect says."""
    if user.role != Role.APPLICANT:
        raise FranceConnectError(_("Staff and helper accounts never sign in with FranceConnect."))
    person = _person_take_identity(user=user, identity=identity, preferred_language=preferred_language)
    security_event_append(
        kind=SecurityEventKind.FRANCECONNECT_LINKED, user=user, actor=user, request=request, new_account=True
    )
    return person


@transaction.atomic
def franceconnect_link(*, user_id: int, uid: str, extra_data: dict, actor: User, request=None) -> SocialAccount:
    """Link a FranceConnect identity to an applicant's account. The identity must be the person's:
    same birth name, and same date of birth when the profile has one (decision 0014)."""
    user = User.objects.select_for_update().get(pk=user_id)
    if user.role != Role.APPLICANT:
        raise FranceConnectError(_("Staff and helper accounts never sign in with FranceConnect."))
    links = SocialAccount.objects.filter(provider=PROVIDER_ID)
    if links.filter(uid=uid).exclude(user=user).exists():
        raise FranceConnectError(_("This FranceConnect identity is already linked to another ANEF account."))
    if links.filter(user=user).exists():
        raise FranceConnectError(_("Your account is already linked to FranceConnect."))
    identity = FranceConnectIdentity.from_extra_data(extra_data)
    person = Person.objects.filter(user=user).first()
    if person is not None and not identity.may_be(person):
        raise FranceConnectError(
            _(
                "The identity FranceConnect gave (birth name, date of birth) is not the one of this profile. "
                "Only your own FranceConnect identity can be linked to your account."
            )
        )
    account = SocialAccount.objects.create(user=user, provider=PROVIDER_ID, uid=uid, extra_data=extra_data)
    _person_take_identity(
        user=user, identity=identity, preferred_language=person.preferred_language if person else "fr"
    )
    security_event_append(kind=SecurityEventKind.FRANCECONNECT_LINKED, user=user, actor=actor, request=request)
    return account


@transaction.atomic
def franceconnect_unlink(*, user_id: int, actor: User, request=None) -> None:
    """The account no longer signs in with FranceConnect. It needs a password to sign in otherwise;
    the identity FranceConnect verified stays verified."""
    user = User.objects.select_for_update().get(pk=user_id)
    if actor.pk != user.pk:
        raise FranceConnectError()
    links = SocialAccount.objects.filter(user=user, provider=PROVIDER_ID)
    if not links.exists():
        raise FranceConnectError(_("Your account is not linked to FranceConnect."))
    if not user.has_usable_password():
        raise FranceConnectError(
            _("Choose a password first: without FranceConnect, you will sign in with your email and password.")
        )
    links.delete()
    security_event_append(kind=SecurityEventKind.FRANCECONNECT_UNLINKED, user=user, actor=actor, request=request)
