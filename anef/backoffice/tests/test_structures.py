"""Helper structures and helper accounts, managed by national administrators through the back office."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import Role
from anef.accounts.models import User
from anef.assistance.models import Structure, StructureEvent
from anef.assistance.services import mandate_grant
from anef.testing import PASSWORD, make_applicant, make_helper, make_staff, run_queued_tasks

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-new-secret-2026"


@pytest.fixture
def admin():
    return make_staff(role=Role.ADMINISTRATOR, prefecture_code=None)


@pytest.fixture
def helper():
    return make_helper(structure_name="Association Accueil Lyon")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def _add_helper(client, structure, **values):
    data = {"email": "lea.martin@france-services.example", "first_name": "Léa", "last_name": "Martin", **values}
    return client.post(reverse("backoffice:structure_helper_add", args=[structure.pk]), data)


def _link(message) -> str:
    """The path of the set-password link in the invitation email."""
    return re.search(r"https?://[^/\s]+(/\S+/password/reset/key/\S+)", message.body).group(1)


def test_an_administrator_creates_a_structure_and_finds_it_in_the_list(admin_client, admin):
    response = admin_client.post(
        reverse("backoffice:structure_new"),
        {"name": "France Services Villeurbanne", "kind": "france_services", "address": "3 place Lazare-Goujon"},
    )
    structure = Structure.objects.get(name="France Services Villeurbanne")
    assert response["Location"] == reverse("backoffice:structure", args=[structure.pk])
    assert structure.vouched_by == admin and structure.address == "3 place Lazare-Goujon"

    listing = admin_client.get(reverse("backoffice:structures"))
    assert listing.status_code == 200
    assert b"France Services Villeurbanne" in listing.content
    page = admin_client.get(response["Location"])
    assert page.status_code == 200
    assert [(e.kind, e.actor) for e in page.context["events"]] == [(StructureEvent.Kind.CREATED, admin)]


def test_a_structure_without_a_name_is_refused_with_the_error_on_the_field(admin_client):
    response = admin_client.post(
        reverse("backoffice:structure_new"), {"name": "  ", "kind": "association", "address": "Lyon"}
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["name"]
    assert b'id="id_name-error"' in response.content and b"error-summary" in response.content
    assert not Structure.objects.exists()


def test_the_structure_details_are_changed_and_the_change_is_in_its_history(admin_client, admin, helper):
    structure = helper.structure
    url = reverse("backoffice:structure", args=[structure.pk])
    response = admin_client.post(url, {"name": structure.name, "kind": "association", "address": "5 rue Neuve, Lyon"})
    assert response["Location"] == url
    structure.refresh_from_db()
    assert (structure.kind, structure.address) == ("association", "5 rue Neuve, Lyon")
    event = structure.events.get(kind=StructureEvent.Kind.UPDATED)
    assert event.actor == admin and set(event.changes) == {"kind", "address"}

    refused = admin_client.post(url, {"name": "", "kind": "association", "address": "Ailleurs"})
    assert refused.status_code == 400 and list(refused.context["structure_form"].errors) == ["name"]
    structure.refresh_from_db()
    assert structure.address == "5 rue Neuve, Lyon"
    assert structure.events.filter(kind=StructureEvent.Kind.UPDATED).count() == 1


def test_an_added_helper_receives_a_link_chooses_a_password_then_must_set_up_a_second_factor(
    admin_client, admin, helper
):
    structure = helper.structure
    response = _add_helper(admin_client, structure, email="Lea.Martin@France-Services.example")
    assert response["Location"] == reverse("backoffice:structure", args=[structure.pk])
    new = User.objects.get(email="lea.martin@france-services.example")
    assert (new.role, new.structure, new.first_name, new.last_name) == (Role.HELPER, structure, "Léa", "Martin")
    assert not new.has_usable_password()
    assert structure.events.filter(kind=StructureEvent.Kind.HELPER_ADDED, helper=new, actor=admin).exists()

    assert run_queued_tasks() == ["anef.assistance.tasks.helper_invitation_send"]
    [message] = mail.outbox
    assert message.to == [new.email] and structure.name in message.body

    admin_client.logout()
    client = admin_client
    form_page = client.get(_link(message), follow=True)
    assert form_page.status_code == 200 and "form" in form_page.context
    done = client.post(form_page.request["PATH_INFO"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    new.refresh_from_db()
    assert new.check_password(NEW_PASSWORD)
    assert client.get(_link(message), follow=True).context.get("token_fail")  # the link works once

    signed_in = client.post(reverse("account_login"), {"login": new.email, "password": NEW_PASSWORD}, follow=True)
    # Signed in, they are sent to enrol an authenticator app (allauth asks the password again first).
    assert reverse("mfa_activate_totp") in [url for url, _ in signed_in.redirect_chain]
    assert client.get(reverse("helperspace:dashboard"))["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("taken", ["applicant", "secondary_address", "helper"])
def test_an_email_already_used_by_an_account_is_refused_and_nothing_is_created(admin_client, helper, taken):
    structure = helper.structure
    if taken == "applicant":
        email = make_applicant().user.email.upper()
    elif taken == "secondary_address":
        email = "second@example.org"
        EmailAddress.objects.create(user=make_applicant().user, email=email, verified=True, primary=False)
    else:
        email = helper.email
    users, events = User.objects.count(), StructureEvent.objects.count()

    response = _add_helper(admin_client, structure, email=email)

    assert response.status_code == 400
    assert list(response.context["helper_form"].errors) == ["email"]
    assert b'id="id_email-error"' in response.content
    assert (User.objects.count(), StructureEvent.objects.count()) == (users, events)
    assert run_queued_tasks() == [] and mail.outbox == []


def test_a_helper_without_a_name_is_refused_with_the_error_on_the_field(admin_client, helper):
    response = _add_helper(admin_client, helper.structure, first_name="")
    assert response.status_code == 400
    assert list(response.context["helper_form"].errors) == ["first_name"]
    assert not User.objects.filter(email="lea.martin@france-services.example").exists()


def test_a_deactivated_helper_can_no_longer_sign_in_nor_use_their_mandates(admin_client, admin, helper):
    from django.test import Client

    person = make_applicant()
    mandate_grant(person=person, helper_email=helper.email, ends_on=timezone.localdate() + timedelta(days=30))
    helper_client = Client()
    helper_client.force_login(helper)
    assert helper_client.get(reverse("helperspace:dashboard")).status_code == 200

    url = reverse("backoffice:structure_helper_deactivate", args=[helper.structure_id, helper.pk])
    confirmation = admin_client.get(url)
    assert confirmation.status_code == 200 and confirmation.context["mandates"] == 1
    admin_client.post(url)

    helper.refresh_from_db()
    assert not helper.is_active
    assert helper.structure.events.filter(kind=StructureEvent.Kind.HELPER_DEACTIVATED, actor=admin).exists()
    # The open session ends: the helper space sends them to the sign-in page.
    response = helper_client.get(reverse("helperspace:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    # And they cannot sign in again.
    response = Client().post(reverse("account_login"), {"login": helper.email, "password": PASSWORD})
    assert response["Location"] == reverse("account_inactive")
    listing = admin_client.get(reverse("backoffice:structures"))
    [row] = [s for s in listing.context["page"] if s.pk == helper.structure_id]
    assert (row.active_helpers, row.valid_mandates) == (0, 0)

    admin_client.post(reverse("backoffice:structure_helper_reactivate", args=[helper.structure_id, helper.pk]))
    helper.refresh_from_db()
    assert helper.is_active
    response = Client().post(reverse("account_login"), {"login": helper.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] != reverse("account_inactive")
    listing = admin_client.get(reverse("backoffice:structures"))
    [row] = [s for s in listing.context["page"] if s.pk == helper.structure_id]
    assert (row.active_helpers, row.valid_mandates) == (1, 1)


def test_the_structure_page_shows_its_helpers_and_their_second_factor(admin_client, helper):
    _add_helper(admin_client, helper.structure)
    page = admin_client.get(reverse("backoffice:structure", args=[helper.structure_id]))
    rows = {h.email: h.has_second_factor for h in page.context["helpers"]}
    assert rows == {helper.email: True, "lea.martin@france-services.example": False}
    assert b"lea.martin@france-services.example" in page.content


@pytest.mark.parametrize(
    "who", ["supervisor", "case_agent", "counter_agent", "helper_of_the_structure", "other_helper", "applicant"]
)
def test_only_national_administrators_see_the_structure_pages(client, helper, who):
    users = {
        "supervisor": lambda: make_staff(role=Role.SUPERVISOR, prefecture_code="pref-69"),
        "case_agent": lambda: make_staff(role=Role.CASE_AGENT, prefecture_code="pref-69"),
        "counter_agent": lambda: make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69"),
        "helper_of_the_structure": lambda: helper,
        "other_helper": lambda: make_helper(structure_name="Autre structure"),
        "applicant": lambda: make_applicant().user,
    }
    structure = helper.structure
    urls = [
        reverse("backoffice:structures"),
        reverse("backoffice:structure_new"),
        reverse("backoffice:structure", args=[structure.pk]),
        reverse("backoffice:structure_helper_add", args=[structure.pk]),
        reverse("backoffice:structure_helper_deactivate", args=[structure.pk, helper.pk]),
        reverse("backoffice:structure_helper_reactivate", args=[structure.pk, helper.pk]),
    ]
    client.force_login(users[who]())
    for url in urls:
        for method in ("get", "post"):
            data = {"name": "X", "kind": "association", "address": "Y", "email": "x@example.org"}
            status = getattr(client, method)(url, data if method == "post" else None).status_code
            assert status == 404, f"{who}: {method.upper()} {url} answered {status}"
    assert Structure.objects.count() == (2 if who == "other_helper" else 1)
    helper.refresh_from_db()
    assert helper.is_active and not StructureEvent.objects.exists()

    client.force_login(make_staff(role=Role.ADMINISTRATOR, prefecture_code=None))
    assert all(client.get(url).status_code in (200, 405) for url in urls)  # the same pages answer an administrator


def test_a_helper_of_another_structure_is_not_found_from_this_structure(admin_client, helper):
    other = make_helper(structure_name="Autre structure")
    url = reverse("backoffice:structure_helper_deactivate", args=[helper.structure_id, other.pk])
    assert admin_client.post(url).status_code == 404
    other.refresh_from_db()
    assert other.is_active


def test_administrators_find_the_screen_in_the_navigation(client, admin_client):
    assert reverse("backoffice:structures").encode() in admin_client.get(reverse("backoffice:queue")).content
    client.force_login(make_staff(role=Role.SUPERVISOR, prefecture_code="pref-69"))
    assert reverse("backoffice:structures").encode() not in client.get(reverse("backoffice:queue")).content
