import re

import pytest
from django.core import mail
from django.urls import reverse

from anef.accounts.models import Person, User
from anef.testing import PASSWORD, make_applicant

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "new.person@example.org",
    "password1": "a-long-and-unusual-passphrase",
    "password2": "a-long-and-unusual-passphrase",
    "first_name": "Mariam",
    "last_name": "Okafor",
    "preferred_language": "en",
}


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_sign_up_sends_a_real_verification_mail_and_the_link_signs_the_person_in(client):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302

    user = User.objects.get(email="new.person@example.org")
    person = Person.objects.get(user=user)
    assert (person.first_name, person.last_name, person.preferred_language) == ("Mariam", "Okafor", "en")
    assert len(mail.outbox) == 1
    confirm_url = _link(mail.outbox[0])
    assert client.get(reverse("portal:dashboard")).status_code == 302  # not signed in before verifying

    page = client.get(confirm_url)
    assert page.status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_an_unverified_account_cannot_sign_in():
    from django.test import Client

    client = Client()
    client.post(reverse("account_signup"), SIGNUP)
    client.logout()
    mail.outbox.clear()

    response = client.post(reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]})

    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_sign_up_with_mismatched_passwords_creates_nothing_and_says_why(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "password2": "something-else-entirely"})

    assert response.status_code == 200
    assert not User.objects.filter(email=SIGNUP["email"]).exists()
    assert 'aria-invalid="true"' in response.content.decode()
    assert "error-summary" in response.content.decode()


def test_sign_in_and_sign_out(client):
    person = make_applicant(email="someone@example.org")
    response = client.post(reverse("account_login"), {"login": "someone@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 200

    client.post(reverse("account_logout"))
    assert client.get(reverse("portal:dashboard")).status_code == 302
    assert person.user.is_active


def test_failed_sign_ins_are_rate_limited(client, settings):
    make_applicant(email="target@example.org")
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/5m/key"}
    for _ in range(3):
        response = client.post(reverse("account_login"), {"login": "target@example.org", "password": "wrong"})
        assert response.status_code == 200

    # Even the right password is now refused for a while.
    response = client.post(reverse("account_login"), {"login": "target@example.org", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_failed_sign_ins_slow_the_guesser_without_locking_the_owner_out():
    """Five wrong passwords used to block the account for everybody: an attacker could shut a person
    out before a deadline. Now the limit is per client and account."""
    from django.test import Client

    make_applicant(email="target@example.org")
    guesser, owner = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        guesser.post(reverse("account_login"), {"login": "target@example.org", "password": "wrong"})

    refused = guesser.post(
        reverse("account_login"), {"login": "target@example.org", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Too many failed login attempts" in refused.content.decode()
    assert guesser.get(reverse("portal:dashboard")).status_code == 302

    assert (
        owner.post(reverse("account_login"), {"login": "target@example.org", "password": PASSWORD}).status_code == 302
    )
    assert owner.get(reverse("portal:dashboard")).status_code == 200


def test_a_client_trying_email_confirmation_keys_gets_a_429_page(client):
    url = reverse("account_confirm_email", args=["not-a-real-key"])
    for _ in range(20):
        assert client.get(url, REMOTE_ADDR="203.0.113.9").status_code != 429
    refused = client.get(url, REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="fr")
    assert refused.status_code == 429
    assert "Trop de tentatives depuis votre connexion" in refused.content.decode()
    assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code != 429


def test_the_second_factor_entry_is_rate_limited(client):
    from anef.testing import make_staff, totp_now

    agent = make_staff()
    step = client.post(reverse("account_login"), {"login": agent.email, "password": PASSWORD})["Location"]
    for _ in range(5):
        assert client.post(step, {"code": "000000"}).status_code == 200

    refused = client.post(step, {"code": totp_now(agent.totp_secret)}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200 and "Too many failed login attempts" in refused.content.decode()
    assert client.get(reverse("backoffice:queue")).status_code == 302


def test_a_forgotten_password_can_be_reset_by_mail(client):
    make_applicant(email="forgetful@example.org")
    client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})
    assert len(mail.outbox) == 1
    reset_url = _link(mail.outbox[0])

    response = client.get(reset_url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_url
    response = client.post(form_url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"})
    assert response.status_code == 302

    assert client.login(username="forgetful@example.org", password="a-brand-new-passphrase")


def test_the_profile_refuses_a_foreign_postcode_and_keeps_the_old_value(client):
    person = make_applicant(postcode="69002")
    client.force_login(person.user)
    data = {
        "first_name": "Awa",
        "last_name": person.last_name,
        "date_of_birth": "1995-05-17",
        "nationality": "CI",
        "address_line": "1 rue",
        "postcode": "98000",
        "city": "Monaco",
        "preferred_language": "fr",
    }

    response = client.post(reverse("portal:profile"), data)

    assert response.status_code == 200
    assert "Enter a French postcode" in response.content.decode() or "code postal" in response.content.decode()
    person.refresh_from_db()
    assert person.postcode == "69002"

    response = client.post(reverse("portal:profile"), {**data, "postcode": "33 000", "city": "Bordeaux"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.postcode == "33000"
