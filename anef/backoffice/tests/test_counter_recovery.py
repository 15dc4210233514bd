"""The counter gives a person their account back: identity checked in person, a code on paper, the
person recovers with it and their date of birth (accounts.recovery)."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import IdentityDocument, Role
from anef.accounts.models import RecoveryCode, User
from anef.notifications.models import Notification
from anef.security.constants import SecurityEventKind
from anef.security.models import SecurityEvent
from anef.testing import make_applicant, make_helper, make_staff, paper_person, submitted

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sunflower-Harbour-2026"
CHECK = {"document": IdentityDocument.PASSPORT, "document_number": "19AB12345", "checked_in_person": "on"}


@pytest.fixture
def person():
    return make_applicant(email="awa@example.org", postcode="69003", language="en")


@pytest.fixture
def counter():
    return make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")


def issue(client, person, *, data=CHECK):
    return client.post(reverse("backoffice:counter_recovery_issue", args=[person.pk]), data, HTTP_ACCEPT_LANGUAGE="en")


def printed_code(response) -> str:
    return re.search(r"<strong>([A-Z0-9]{5}-[A-Z0-9]{5})</strong>", response.content.decode()).group(1)


def use_paper_code(client, code, *, birth_date="1995-05-17", email="awa.new@example.org", address="127.0.0.1"):
    return client.post(
        reverse("portal:recovery_paper"),
        {
            "code": code,
            "birth_date": birth_date,
            "new_email": email,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        HTTP_ACCEPT_LANGUAGE="en",
        REMOTE_ADDR=address,
    )


def test_the_counter_checks_the_identity_prints_a_code_and_the_person_recovers_with_it(client, person, counter):
    TOTP.activate(person.user, generate_totp_secret())  # the app was lost with the phone
    client.force_login(counter)
    found = client.get(
        reverse("backoffice:counter_recovery"), {"last_name": person.last_name[:6], "birth_date": "1995-05-17"}
    )
    assert reverse("backoffice:counter_recovery_issue", args=[person.pk]) in found.content.decode()

    unchecked = issue(client, person, data={**CHECK, "checked_in_person": ""})
    assert unchecked.status_code == 400 and not RecoveryCode.objects.exists()
    letter = issue(client, person)
    body = letter.content.decode()
    assert letter.status_code == 200 and "no-store" in letter["Cache-Control"]
    code = printed_code(letter)
    # One paper, both languages, whatever the agent's language.
    assert "Récupérer votre compte ANEF" in body or "Recovering your ANEF account" in body
    assert 'lang="fr"' in body and 'lang="en"' in body
    assert reverse("portal:recovery_paper") in body
    row = RecoveryCode.objects.get()
    assert code.replace("-", "") not in row.code_hash and row.document_number_end == "2345"
    assert row.expires_at - row.created_at == timedelta(days=7)

    # The person is told, and reads it in their account's history.
    given = Notification.objects.filter(person=person, kind="recovery_code_given")
    assert given.exists() and "ending in 2345" in given.first().body
    event = SecurityEvent.objects.get(kind=SecurityEventKind.RECOVERY_CODE_ISSUED)
    assert event.user == person.user and event.actor == counter and event.details["document"] == "passport"
    owner = Client()
    owner.force_login(person.user)
    history = owner.get(reverse("portal:profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Recovery code given after an identity check" in history and "document ending in 2345" in history

    done = use_paper_code(Client(), code.lower())  # typed in lower case: the same code
    assert done.status_code == 302
    user = User.objects.get(pk=person.user_id)
    assert user.email == "awa.new@example.org" and user.check_password(NEW_PASSWORD)
    # The counter checked the identity: the lost authentication app is removed, and that is on record.
    assert not Authenticator.objects.filter(user=user).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SECOND_FACTOR_REMOVED, user=user).exists()
    assert owner.get(reverse("portal:dashboard")).status_code == 302  # sessions ended

    again = use_paper_code(Client(), code, email="thief@example.org")
    assert again.status_code == 400
    assert User.objects.get(pk=person.user_id).email == "awa.new@example.org"


def test_a_paper_code_needs_the_right_date_of_birth_and_ends_after_wrong_ones(client, person, counter):
    client.force_login(counter)
    code = printed_code(issue(client, person))
    visitor = Client()
    for day in range(1, 6):
        assert use_paper_code(visitor, code, birth_date=f"1995-05-0{day}").status_code == 400
    # Ended after five wrong dates, even for its holder on another connection.
    assert use_paper_code(Client(), code, address="198.51.100.7").status_code == 400
    assert RecoveryCode.objects.get().revoked_at is not None


def test_an_expired_paper_code_is_refused(client, person, counter):
    client.force_login(counter)
    code = printed_code(issue(client, person))
    RecoveryCode.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert use_paper_code(Client(), code).status_code == 400


def test_a_new_code_replaces_the_previous_one(client, person, counter):
    client.force_login(counter)
    first = printed_code(issue(client, person))
    second = printed_code(issue(client, person))
    assert use_paper_code(Client(), first).status_code == 400
    assert use_paper_code(Client(), second).status_code == 302


def test_a_counter_of_another_prefecture_neither_finds_nor_serves_the_person(client, person):
    other = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-33")
    client.force_login(other)
    found = client.get(
        reverse("backoffice:counter_recovery"), {"last_name": person.last_name, "birth_date": "1995-05-17"}
    )
    assert reverse("backoffice:counter_recovery_issue", args=[person.pk]) not in found.content.decode()
    assert client.get(reverse("backoffice:counter_recovery_issue", args=[person.pk])).status_code == 404
    assert issue(client, person).status_code == 404
    assert not RecoveryCode.objects.exists()


def test_a_counter_where_the_person_has_a_file_serves_them_after_a_move():
    person = make_applicant(postcode="69003")
    submitted(person)  # the file sits at the Rhône prefecture
    person.postcode = "33000"
    person.save(update_fields=["postcode"])
    client = Client()
    client.force_login(make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69"))
    assert client.get(reverse("backoffice:counter_recovery_issue", args=[person.pk])).status_code == 200
    client.force_login(make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-33"))
    assert client.get(reverse("backoffice:counter_recovery_issue", args=[person.pk])).status_code == 200


def test_others_cannot_give_codes_at_the_counter(client, person):
    for user in (person.user, make_applicant().user, make_staff(role=Role.CASE_AGENT), make_helper()):
        client.force_login(user)
        assert client.get(reverse("backoffice:counter_recovery")).status_code == 404
        assert issue(client, person).status_code == 404
    assert not RecoveryCode.objects.exists()


def test_no_code_for_a_person_without_an_account_or_a_staff_account(client, counter):
    client.force_login(counter)
    without_account = paper_person()
    without_account.user = None
    without_account.save(update_fields=["user"])
    assert issue(client, without_account).status_code == 404
    staff_person = make_applicant(postcode="69003")
    User.objects.filter(pk=staff_person.user_id).update(role=Role.ADMINISTRATOR)
    assert issue(client, staff_person).status_code == 404
