from django.db.models import Q, QuerySet

from anef.applications.models import Application

from .models import Mandate


def mandated_applications(*, helper) -> QuerySet[Application]:
    """Applications a helper may act on today: every application of people who gave an all-scope
    mandate, and the applications named in the others."""
    mandates = Mandate.objects.valid().filter(helper=helper)
    return Application.objects.filter(
        Q(person__in=mandates.filter(all_applications=True).values("person"))
        | Q(pk__in=mandates.filter(all_applications=False).values("applications"))
    )


def helper_may_start_for(*, helper, person) -> bool:
    return Mandate.objects.valid().filter(helper=helper, person=person, all_applications=True).exists()


def people_assisted(*, helper):
    from anef.accounts.models import Person

    return Person.objects.filter(pk__in=Mandate.objects.valid().filter(helper=helper).values("person"))
