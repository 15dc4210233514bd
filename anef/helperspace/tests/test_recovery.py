"""A helper holding a mandate checks the person's identity and gives them a recovery code on paper."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import IdentityDocument
from anef.accounts.models import RecoveryCode, User
from anef.assistance.services import mandate_grant, mandate_revoke
from anef.security.constants import SecurityEventKind
from anef.security.models import SecurityEvent
from anef.testing import make_applicant, make_helper

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sunflower-Harbour-2026"
CHECK = {"document": IdentityDocument.RESIDENCE_PERMIT, "document_number": "ZZ 0098765", "checked_in_person": "on"}


@pytest.fixture
def person():
    return make_applicant(email="awa@example.org", language="en")


@pytest.fixture
def helper(person):
    helper = make_helper()
    mandate_grant(person=person, helper_email=helper.email, ends_on=timezone.localdate() + timedelta(days=90))
    return helper


def issue(client, person):
    return client.post(reverse("helperspace:recovery_issue", args=[person.pk]), CHECK, HTTP_ACCEPT_LANGUAGE="en")


def test_a_mandated_helper_gives_a_code_that_recovers_the_account_but_keeps_the_second_factor(client, person, helper):
    TOTP.activate(person.user, generate_totp_secret())
    client.force_login(helper)
    dashboard = client.get(reverse("helperspace:dashboard")).content.decode()
    assert reverse("helperspace:recovery_issue", args=[person.pk]) in dashboard
    letter = issue(client, person)
    assert letter.status_code == 200
    code = re.search(r"<strong>([A-Z0-9]{5}-[A-Z0-9]{5})</strong>", letter.content.decode()).group(1)
    event = SecurityEvent.objects.get(kind=SecurityEventKind.RECOVERY_CODE_ISSUED)
    assert event.actor == helper and event.details["place"] == helper.structure.name

    done = Client().post(
        reverse("portal:recovery_paper"),
        {
            "code": code,
            "birth_date": "1995-05-17",
            "new_email": "awa.new@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert done.status_code == 302
    user = User.objects.get(pk=person.user_id)
    assert user.email == "awa.new@example.org"
    assert Authenticator.objects.filter(user=user).exists()  # a helper's check does not remove it


def test_a_helper_without_a_valid_mandate_gets_404(client, person, helper):
    other_helper = make_helper(structure_name="Association Accueil Lyon")
    client.force_login(other_helper)
    assert client.get(reverse("helperspace:recovery_issue", args=[person.pk])).status_code == 404
    assert issue(client, person).status_code == 404

    mandate_revoke(mandate=person.mandates.get(), actor=person.user)
    client.force_login(helper)
    assert issue(client, person).status_code == 404
    assert not RecoveryCode.objects.exists()


def test_an_applicant_cannot_reach_the_helpers_page(client, person, helper):
    client.force_login(make_applicant().user)
    assert issue(client, person).status_code == 404
    client.force_login(person.user)
    assert issue(client, person).status_code == 404
    assert not RecoveryCode.objects.exists()
