from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Person, User

PROFILE_FIELDS = (
    "first_name", "last_name", "date_of_birth", "nationality", "address_line", "postcode", "city", "phone",
    "preferred_language", "permit_type", "permit_number", "permit_expires_on", "permit_allows_work",
)  # fmt: skip


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
    for name in changed:
        setattr(person, name, values[name])
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
    return person


CLAIM_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


@transaction.atomic
def person_create_at_counter(*, actor: User, **values) -> Person:
    """A person who came to the counter (or wrote): identity checked on the spot, no account needed."""
    import secrets

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
    from anef.applications.errors import ApplicationError

    code = "".join(ch for ch in claim_code.upper() if ch.isalnum())
    person = Person.objects.select_for_update().filter(claim_code=code, user__isnull=True).first()
    if person is None or person.date_of_birth != birth_date:
        raise ApplicationError(_("This code and date of birth do not match. Check the paper you were given."))
    own = Person.objects.filter(user=user).first()
    if own is not None:
        if own.applications.exists():
            raise ApplicationError(_("Your account already has applications: ask the counter to merge them."))
        own.delete()
    person.user = user
    person.email = person.email or user.email
    person.claim_code = None
    person.save(update_fields=["user", "email", "claim_code", "updated_at"])
    return person
