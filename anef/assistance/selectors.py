import re

from allauth.mfa.models import Authenticator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from anef.accounts.constants import Role
from anef.accounts.models import Person, User
from anef.applications.models import Application
from anef.territory.postcodes import UnknownPostcode, departement_for_postcode

from .models import Mandate, Structure, StructureEvent


def mandated_applications(*, helper) -> QuerySet[Application]:
    """Applications a helper may act on today: every application of people who gave an all-scope
    mandate, and the applications named in the others."""
    mandates = Mandate.objects.valid().filter(helper=helper)
    return Application.objects.filter(
        Q(person__in=mandates.filter(all_applications=True).values("person"))
        | Q(pk__in=mandates.filter(all_applications=False).values("applications"))
    )


def mandate_covering(*, helper, application) -> Mandate | None:
    """The valid mandate by which this helper reaches this application, if any."""
    return (
        Mandate.objects.valid()
        .filter(helper=helper, person_id=application.person_id)
        .filter(Q(all_applications=True) | Q(applications=application))
        .select_related("person", "helper", "structure")
        .order_by("-all_applications", "pk")
        .first()
    )


def helper_may_start_for(*, helper, person) -> bool:
    return Mandate.objects.valid().filter(helper=helper, person=person, all_applications=True).exists()


def helper_acts_for(*, helper, person) -> bool:
    """A valid mandate of this person, whatever its scope, held by this active helper of a structure
    (who may then check the person's identity and give them a recovery code, accounts.recovery)."""
    if helper.role != Role.HELPER or not helper.is_active or helper.structure_id is None:
        return False
    return Mandate.objects.valid().filter(helper=helper, person=person).exists()


def people_assisted(*, helper):

    return Person.objects.filter(pk__in=Mandate.objects.valid().filter(helper=helper).values("person"))


def _count(queryset: QuerySet, field: str):
    """Rows of `queryset` pointing at the outer row through `field`, as a subquery (no join fan-out)."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _usable_mandates() -> QuerySet[Mandate]:
    """Valid today and held by an active helper (a deactivated helper cannot use theirs)."""
    return Mandate.objects.valid().filter(helper__is_active=True)


def structures_overview() -> QuerySet[Structure]:
    """Every structure with its number of active helpers and usable mandates (administrators)."""

    return (
        Structure.objects.select_related("vouched_by")
        .annotate(
            active_helpers=_count(User.objects.filter(role=Role.HELPER, is_active=True), "structure"),
            valid_mandates=_count(_usable_mandates(), "structure"),
        )
        .order_by("name", "pk")
    )


def structure_helpers(*, structure: Structure):
    """The structure's helper accounts, active first, with whether their second factor is set up."""

    return (
        User.objects.filter(structure=structure, role=Role.HELPER)
        .annotate(
            has_second_factor=Exists(Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)),
            valid_mandates=_count(Mandate.objects.valid(), "helper"),
        )
        .order_by("-is_active", "last_name", "first_name", "pk")
    )


def structure_history(*, structure: Structure) -> QuerySet[StructureEvent]:
    return structure.events.select_related("actor", "helper")


def structure_mandates(*, structure: Structure) -> QuerySet[Mandate]:
    """Every mandate held by the structure's helpers, newest first, with its origin (administrators)."""
    return structure.mandates.select_related("helper", "person", "recorded_by").order_by("-created_at", "-pk")


def structures_in_departement(*, code: str) -> list[Structure]:
    """Helper structures whose address carries a postcode of this département (help page)."""
    found = []
    for structure in Structure.objects.order_by("name"):
        for postcode in re.findall(r"\b\d{5}\b", structure.address):
            try:
                if departement_for_postcode(postcode) == code:
                    found.append(structure)
                    break
            except UnknownPostcode:
                continue
    return found
