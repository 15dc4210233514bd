"""One door for the second factor: every URL of the project, the API and the Django admin included,
refuses a staff or helper account that has not enrolled its authentication app."""

import uuid

import pytest
from django.urls import NoReverseMatch, reverse

from anef.accounts.constants import Role
from anef.core.middleware import SecondFactorRequiredMiddleware
from anef.core.testing import PASSWORD, make_applicant, make_helper, make_staff, url_patterns

ROLES = [Role.HELPER, Role.COUNTER_AGENT, Role.CASE_AGENT, Role.SUPERVISOR, Role.ADMINISTRATOR]
CANDIDATES = ("x", "1", "json", "auth", str(uuid.uuid4()), "ABCD-2345")


def _path(namespace: str, pattern) -> str | None:
    """A concrete path for the pattern: each parameter gets the first value its converter accepts."""
    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
    parameters = list(pattern.pattern.regex.groupindex)
    if not parameters:
        return reverse(name)
    for candidate in CANDIDATES:
        try:
            return reverse(name, kwargs=dict.fromkeys(parameters, candidate))
        except NoReverseMatch:
            continue
    kwargs = {}
    for parameter in parameters:  # mixed converters: try each candidate per parameter
        for candidate in CANDIDATES:
            try:
                reverse(name, kwargs={**dict.fromkeys(parameters, "1"), parameter: candidate})
            except NoReverseMatch:
                continue
            kwargs[parameter] = candidate
            break
    return reverse(name, kwargs=kwargs)


def _guarded_paths() -> list[str]:
    paths = []
    for namespace, pattern, _modules in url_patterns():
        if (f"{namespace}:{pattern.name}" if namespace else pattern.name) in SecondFactorRequiredMiddleware.OPEN_NAMES:
            continue
        if namespace in SecondFactorRequiredMiddleware.OPEN_NAMESPACES:
            continue
        paths.append(_path(namespace, pattern))
    return sorted(set(paths))


def _user(role):
    if role == Role.HELPER:
        helper = make_helper()
        helper.authenticator_set.all().delete()
        return helper
    return make_staff(role=role, mfa=False)


def test_the_walk_covers_every_area():
    """The walk is not empty by mistake: it reaches the back office, the helper's and the
    applicant's spaces, the API, downloads and the Django admin."""
    paths = _guarded_paths()
    for prefix in ("/agents/", "/aidant/", "/espace/", "/api/", "/administration-django/", "/compte/"):
        assert any(path.startswith(prefix) for path in paths), prefix
    assert any("/pieces/" in path for path in paths)  # downloads of uploaded files


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_url_refuses_staff_and_helpers_without_a_second_factor(client, role):
    user = _user(role)
    client.force_login(user)
    enrol = reverse("mfa_activate_totp")
    leaks = []
    for path in _guarded_paths():
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            if path.startswith("/api/"):
                refused = response.status_code == 403
            else:
                refused = response.status_code == 302 and response["Location"] == enrol
            if not refused:
                leaks.append(f"{method.upper()} {path} -> {response.status_code}")
    assert leaks == []


@pytest.mark.django_db
def test_an_enrolled_agent_goes_through_the_door(client):
    agent = make_staff(role=Role.CASE_AGENT)
    client.force_login(agent)
    assert client.get(reverse("backoffice:queue")).status_code == 200
    assert client.get("/api/v1/applications/").status_code == 200


@pytest.mark.django_db
def test_a_helper_without_second_factor_cannot_read_mandated_files_through_the_api(client):
    """The finding: /api/ was outside the door, so a password alone read mandated files."""
    from anef.assistance.services import mandate_grant
    from anef.core.testing import submitted

    helper = make_helper()
    helper.authenticator_set.all().delete()
    person = make_applicant()
    submitted(person)
    from django.utils import timezone

    mandate_grant(person=person, helper_email=helper.email, ends_on=timezone.localdate())
    assert client.login(email=helper.email, password=PASSWORD)
    response = client.get("/api/v1/applications/")
    assert response.status_code == 403
    assert person.last_name not in response.content.decode()


@pytest.mark.django_db
def test_the_django_admin_signs_in_through_the_service_login_with_its_second_factor(client):
    """The admin's own password form would skip the second factor: it sends to the service's sign-in."""
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    superuser = make_staff(role=Role.ADMINISTRATOR, prefecture_code=None, mfa=False)
    superuser.is_staff = superuser.is_superuser = True
    superuser.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(superuser)
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_applicants_are_not_asked_for_a_second_factor(client):
    person = make_applicant()
    client.force_login(person.user)
    assert client.get(reverse("portal:dashboard")).status_code == 200
