"""A password made of the person's own details is refused, at sign-up and at every change."""

import pytest
from django.urls import reverse

from anef.accounts.models import User
from anef.testing import PASSWORD, make_applicant, make_staff

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "mariam.okafor@example.org",
    "password1": "a-long-and-unusual-passphrase",
    "password2": "a-long-and-unusual-passphrase",
    "first_name": "Mariam",
    "last_name": "Okafor",
    "preferred_language": "en",
}


def _signup(client, password, language="en"):
    return client.post(
        reverse("account_signup"),
        {**SIGNUP, "password1": password, "password2": password},
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.parametrize("password", ["Mariam-Okafor-2024", "okafor-is-my-name!", "ÉLODIE-MARIAM-99"])
def test_sign_up_refuses_a_password_with_the_persons_own_name(client, password):
    response = _signup(client, password)

    assert response.status_code == 200
    assert "Your password must not contain your name or your email address." in response.content.decode()
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_sign_up_refuses_the_email_address_in_the_password_and_says_so_in_french(client):
    response = _signup(client, "mariamokafor-at-home", language="fr")

    assert response.status_code == 200
    assert (
        "Votre mot de passe ne doit contenir ni votre nom ni votre adresse électronique." in response.content.decode()
    )
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_sign_up_accepts_a_password_without_personal_details(client):
    assert _signup(client, "a-long-and-unusual-passphrase").status_code == 302
    assert User.objects.filter(email=SIGNUP["email"]).exists()


NAME = "Your password must not contain your name or your email address."
DATE = "Your password must not contain your date of birth or your year of birth."


def _change(client, password):
    return client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": password, "password2": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("zebra-quartz-17051995", DATE),  # ddmmyyyy
        ("zebra-quartz-19950517", DATE),  # yyyymmdd
        ("zebra-quartz-170595", DATE),  # ddmmyy
        ("zebra-quartz-1995!", DATE),  # yyyy
        ("!!AWA--2024##", NAME),  # a short first name: the password is nothing else
        ("traore-zebra-quartz", NAME),  # last name from the Person profile, accents dropped
    ],
)
def test_a_password_change_refuses_the_profiles_names_and_date_of_birth(client, password, message):
    person = make_applicant(language="en")
    person.last_name = "Traoré"
    person.save(update_fields=["last_name"])
    client.force_login(person.user)

    response = _change(client, password)

    assert response.status_code == 200
    assert message in response.content.decode()
    person.user.refresh_from_db()
    assert person.user.check_password(PASSWORD)


def test_a_password_change_accepts_a_password_without_personal_details(client):
    person = make_applicant(language="en")
    client.force_login(person.user)

    assert _change(client, "Kawasaki-zebra-quartz").status_code == 302  # "awa" inside a word is fine
    person.user.refresh_from_db()
    assert person.user.check_password("Kawasaki-zebra-quartz")


def test_an_agents_own_name_is_refused_too(client):
    agent = make_staff()
    agent.first_name, agent.last_name = "Hélène", "Marchetti"
    agent.save(update_fields=["first_name", "last_name"])
    client.force_login(agent)

    response = _change(client, "helene-marchetti-2026")

    assert response.status_code == 200
    assert "Your password must not contain your name or your email address." in response.content.decode()
