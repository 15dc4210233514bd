"""A forged or garbled form never causes a server error: every page of the back office (for each
staff role), of the applicant's space, the helper's space and the public pages answers GET and
POST with missing, wrong-typed and nonsense fields by a page, a redirect or a 4xx."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.urls.exceptions import NoReverseMatch
from django.utils import timezone

from anef.accounts.constants import Role
from anef.backoffice.tests.test_ownership import file_and_values  # noqa: F401 - the staff's objects
from anef.core.testing import make_helper, make_staff, url_patterns
from anef.portal.tests.test_ownership import victim_objects  # noqa: F401 - an applicant's objects

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

NONSENSE = "zz²"
FIELDS = [
    "action",
    "assignee",
    "booking",
    "cancel",
    "code",
    "counter",
    "day",
    "deadline",
    "document",
    "ends_on",
    "helper_email",
    "kind",
    "notification",
    "page",
    "person_email",
    "postage_cost",
    "posted_on",
    "prefecture",
    "presence",
    "purpose",
    "reference",
    "requirement",
    "revoke",
    "site",
    "slot",
    "start",
    "end",
    "task",
    "verdict",
    "birth_date",
]
GARBLED = [{}, dict.fromkeys(FIELDS, NONSENSE), {"postage_cost": "1e400", "day": "2026-02-31", "slot": "-1"}]


def _server_errors(client, namespaces, values) -> list:
    errors = []
    for namespace, pattern, _modules in url_patterns():
        if namespace not in namespaces:
            continue
        try:
            url = reverse(
                f"{namespace}:{pattern.name}",
                kwargs={p: values.get(p, "zz") for p in pattern.pattern.regex.groupindex},
            )
        except NoReverseMatch:
            continue  # a parameter this walk has no value for (int converters): the ownership walks cover it
        for data in GARBLED:
            for method in ("get", "post"):
                status = getattr(client, method)(url, data).status_code
                if status >= 500:
                    errors.append((method.upper(), url, status))
    return errors


@pytest.mark.parametrize("role", [Role.CASE_AGENT, Role.SUPERVISOR, Role.COUNTER_AGENT, Role.ADMINISTRATOR])
def test_the_back_office_answers_garbled_forms_without_a_server_error(client, file_and_values, role):  # noqa: F811
    _application, values = file_and_values
    client.force_login(make_staff(role=role, prefecture_code=None if role == Role.ADMINISTRATOR else "pref-69"))
    assert _server_errors(client, {"backoffice"}, values) == []


def test_the_applicant_and_public_pages_answer_garbled_forms_without_a_server_error(client, victim_objects):  # noqa: F811
    victim, values = victim_objects
    client.force_login(victim.user)
    assert _server_errors(client, {"portal", "public", "sharing"}, values) == []


def test_the_helper_pages_answer_garbled_forms_without_a_server_error(client, victim_objects):  # noqa: F811
    from anef.assistance.services import mandate_grant

    victim, values = victim_objects
    helper = make_helper()
    mandate_grant(person=victim, helper_email=helper.email, ends_on=timezone.localdate() + timedelta(days=30))
    client.force_login(helper)
    values = {**values, "person_id": victim.pk, "code": "student-first"}
    assert _server_errors(client, {"portal", "helperspace"}, values) == []
