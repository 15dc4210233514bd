from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anef.accounts.constants import Role
from anef.accounts.models import Person, User
from anef.applications.errors import ApplicationError
from anef.documents.validation import inspect_upload

from .models import Mandate

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
