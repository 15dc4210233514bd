from django.db import transaction

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
